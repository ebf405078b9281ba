using System.Collections.Immutable;
using Discovery.Constraints;

namespace Discovery.Environments;

/// <summary>
/// The placement constraints in force, cluster-wide (key 0), by owner (a VE id): every partition and
/// centralized loop, on any silo, asks it for the constraints that concern the VMs and nodes it holds.
/// </summary>
[Alias("discovery.IConstraintDirectoryGrain")]
public interface IConstraintDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Sets the constraints owned by <paramref name="owner"/>, replacing earlier ones.</summary>
    [Alias("Set")]
    Task SetAsync(string owner, ImmutableArray<PlacementConstraint> constraints);

    /// <summary>Forgets the constraints owned by <paramref name="owner"/>.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string owner);

    /// <summary>Every constraint naming at least one of <paramref name="vms"/>, or one of <paramref name="nodes"/> for node-only constraints.</summary>
    [Alias("For")]
    Task<ImmutableArray<PlacementConstraint>> ForAsync(ImmutableHashSet<string> vms, ImmutableHashSet<string> nodes);

    /// <summary>
    /// The constraints, of owners other than <paramref name="exceptOwner"/>, that a VM they do not name can
    /// break by landing on a node (node-only ones, lonely): what placing new VMs must respect besides their own.
    /// </summary>
    [Alias("RestrictingOthers")]
    Task<ImmutableArray<PlacementConstraint>> RestrictingOthersAsync(string exceptOwner);

    /// <summary>Every constraint.</summary>
    [Alias("All")]
    Task<ImmutableArray<PlacementConstraint>> AllAsync();
}
