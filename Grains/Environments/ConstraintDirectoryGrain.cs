using System.Collections.Immutable;
using Discovery.Constraints;

namespace Discovery.Environments;

/// <summary>
/// The constraints in force, cluster-wide: one activation serves every silo's partitions and
/// centralized loops. Filled by the VE layer (and by tests and scenarios), by owner.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)] // cluster-wide, in memory: never collected when idle
public sealed class ConstraintDirectoryGrain : Grain, IConstraintDirectoryGrain
{
    private readonly Dictionary<string, ImmutableArray<PlacementConstraint>> _byOwner = new(StringComparer.Ordinal);

    public Task SetAsync(string owner, ImmutableArray<PlacementConstraint> constraints)
    {
        _byOwner[owner] = constraints.IsDefault ? [] : constraints;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string owner)
    {
        _byOwner.Remove(owner);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<PlacementConstraint>> ForAsync(ImmutableHashSet<string> vms, ImmutableHashSet<string> nodes) =>
        Task.FromResult(_byOwner.Values.SelectMany(c => c)
            .Where(c => c.VmIds.Any(vms.Contains) || (c.VmIds.IsEmpty && c.NodeNames.Any(nodes.Contains)))
            .ToImmutableArray());

    public Task<ImmutableArray<PlacementConstraint>> RestrictingOthersAsync(string exceptOwner) =>
        Task.FromResult(_byOwner.Where(o => o.Key != exceptOwner).SelectMany(o => o.Value)
            .Where(Placement.Constraints.ConstraintRegistry.RestrictsOtherVms).ToImmutableArray());

    public Task<ImmutableArray<PlacementConstraint>> AllAsync() => Task.FromResult(_byOwner.Values.SelectMany(c => c).ToImmutableArray());
}
