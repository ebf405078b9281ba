using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>lonely(VMs)</c>: the nodes that host these VMs host no other VM.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.lonely")]
public sealed record Lonely([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Lonely>("lonely", [ConstraintArgument.Vms],
        a => new Lonely(a.Vms), c => new() { Vms = c.Vms });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
