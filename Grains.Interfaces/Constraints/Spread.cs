using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>spread(VMs)</c>: no two of the VMs on the same node, not even during a migration.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.spread")]
public sealed record Spread([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Spread>("spread", [ConstraintArgument.Vms],
        a => new Spread(a.Vms), c => new() { Vms = c.Vms });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
