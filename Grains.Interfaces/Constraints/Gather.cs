using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>gather(VMs)</c>: all the VMs on one node.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.gather")]
public sealed record Gather([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "gather";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
}
