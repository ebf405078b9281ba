using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>fence(VMs, nodes)</c>: the VMs may only run on the given nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.fence")]
public sealed record Fence([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<string> Nodes) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "fence";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
