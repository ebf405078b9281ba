using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary>
/// <c>latency(VMs, node groups)</c>: all the VMs within one of the node groups (btrplace's
/// <c>among</c>), e.g. one group per site so a VE stays close to its users.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.latency")]
public sealed record Latency([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<ImmutableArray<string>> Groups) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Latency>("latency", [ConstraintArgument.Vms, ConstraintArgument.NodeGroups],
        a => new Latency(a.Vms, a.Groups), c => new() { Vms = c.Vms, Groups = c.Groups });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Groups.SelectMany(g => g);
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
