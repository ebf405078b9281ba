using Discovery.Model;

namespace Discovery.Environments;

/// <summary>What a VE grain persists: its spec (VM ids qualified), state, VMs, reason, recent transitions and crash history; changed only through <see cref="VeRecord"/>.</summary>
[GenerateSerializer, Alias("discovery.ve.state")]
public sealed class VeGrainState
{
    /// <summary>The VE as submitted (names as the user wrote them; null before the first submit).</summary>
    [Id(0)] public VeSpec? Spec { get; set; }

    [Id(1)] public VeState State { get; set; } = VeState.Pending;

    [Id(2)] public List<VeVm> Vms { get; set; } = [];

    /// <summary>Why the VE is pending or failed.</summary>
    [Id(3)] public string? Reason { get; set; }

    /// <summary>The last <see cref="VeRecord.History"/> transitions, oldest first.</summary>
    [Id(4)] public List<VeTransition> Transitions { get; set; } = [];

    /// <summary>Recent crash times per VM id (crash-loop protection survives a reactivation).</summary>
    [Id(5)] public Dictionary<string, List<DateTimeOffset>> Crashes { get; set; } = [];

    /// <summary>The constraints with hypervisor VM ids, as registered cluster-wide.</summary>
    [Id(6)] public List<Constraints.PlacementConstraint> Constraints { get; set; } = [];

    /// <summary>Who submitted the VE (the token's subject; null without tokens). Its tenant is the first part of its key.</summary>
    [Id(7)] public string? Owner { get; set; }
}
