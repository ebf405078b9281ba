using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>ban(VMs, nodes)</c>: none of the VMs may ever run on any of the nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.ban")]
public sealed record Ban([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<string> Nodes) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Ban>("ban", [ConstraintArgument.Vms, ConstraintArgument.Nodes],
        a => new Ban(a.Vms, a.Nodes), c => new() { Vms = c.Vms, Nodes = c.Nodes });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
