using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>spread(VMs)</c>: no two of the VMs on the same node, not even during a migration.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.spread")]
public sealed record Spread([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "spread";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
