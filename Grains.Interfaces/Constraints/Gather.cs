using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>gather(VMs)</c>: all the VMs on one node.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.gather")]
public sealed record Gather([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Gather>("gather", [ConstraintArgument.Vms],
        a => new Gather(a.Vms), c => new() { Vms = c.Vms });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
