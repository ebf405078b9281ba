using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>fence(VMs, nodes)</c>: the VMs may only run on the given nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.fence")]
public sealed record Fence([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<string> Nodes) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Fence>("fence", [ConstraintArgument.Vms, ConstraintArgument.Nodes],
        a => new Fence(a.Vms, a.Nodes), c => new() { Vms = c.Vms, Nodes = c.Nodes });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
