using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Language;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement.Constraints;
using Discovery.Scheduling;

namespace Discovery.Silo.Operations;

// The JSON shapes of the HTTP API (camelCase on the wire). They are the API's contract for integrators
// in any language, kept apart from the grain contracts so that those can change without breaking it.

/// <summary>A VE to submit: either <see cref="Text"/> in the VE language, or <see cref="Vms"/> and <see cref="Constraints"/>.</summary>
public sealed record VeSubmission(string? Text = null, string? File = null, IReadOnlyList<VmJson>? Vms = null, IReadOnlyList<ConstraintJson>? Constraints = null);

/// <summary>
/// One VM of a VE: its name in the VE, vCPUs, memory, image (default <c>debian-12</c>) and expected CPU demand
/// <see cref="Cpu"/>, a percentage of its vCPUs such as <c>"50%"</c> (absent: it is assumed to use all of them, <c>"100%"</c>).
/// </summary>
public sealed record VmJson(string Name, int VCpus, int MemoryMiB, string? Image = null, string? Cpu = null);

/// <summary>
/// A placement constraint: <see cref="Type"/> is ban, fence, gather, latency, lonely, offline or spread;
/// ban and fence take <see cref="Vms"/> and <see cref="Nodes"/>, gather, lonely and spread <see cref="Vms"/>,
/// offline <see cref="Nodes"/>, latency <see cref="Vms"/> and <see cref="Groups"/> (groups of nodes).
/// </summary>
public sealed record ConstraintJson(string Type, IReadOnlyList<string>? Vms = null, IReadOnlyList<string>? Nodes = null, IReadOnlyList<IReadOnlyList<string>>? Groups = null)
{
    /// <summary>
    /// <paramref name="c"/> as JSON, its <see cref="Type"/> and the fields its shape takes (the others null).
    /// </summary>
    /// <exception cref="NotSupportedException">The constraint's type is not registered.</exception>
    public static ConstraintJson From(PlacementConstraint c)
    {
        var shape = ConstraintRegistry.ShapeOf(c);
        var arguments = shape.Read(c);
        return new(shape.Keyword,
            shape.Takes(ConstraintArgument.Vms) ? arguments.Vms : null,
            shape.Takes(ConstraintArgument.Nodes) ? arguments.Nodes : null,
            shape.Takes(ConstraintArgument.NodeGroups) ? [.. arguments.Groups.Select(g => (IReadOnlyList<string>)g)] : null);
    }
}

/// <summary>A VE: state, why it is pending or failed, the operation under way, its VMs, constraints and last transitions.</summary>
public sealed record VeJson(string Ve, string State, string? Reason, string? Operation, IReadOnlyList<VeVmJson> Vms,
    IReadOnlyList<ConstraintJson> Constraints, IReadOnlyList<TransitionJson> Transitions)
{
    public static VeJson From(VeView v) => new(v.Id, v.State.ToString(), v.Reason, v.Operation,
        [.. v.Vms.Select(m => new VeVmJson(m.Name, m.Id, m.State.ToString(), m.Host, m.Spec.VCpus, m.Spec.MemoryMiB,
            CpuPercent.Format(m.Spec.VCpus, m.Spec.CpuDemand), m.Spec.Image, m.Reason))],
        [.. v.Constraints.Select(c => ConstraintJson.From(c.RenameVms(VmName)))],
        [.. v.Transitions.Select(TransitionJson.Of)]);

    // Constraints are stored with hypervisor ids (tenant.ve.vm): shown with the VE's own names, as submitted.
    private static string VmName(string id) => id[(id.LastIndexOf('.') + 1)..];
}

/// <summary>One VM of a VE: its name, hypervisor id, state, node, size, expected CPU demand (<c>"50%"</c> of its vCPUs) and why it is not running.</summary>
public sealed record VeVmJson(string Name, string Id, string State, string? Host, int VCpus, int MemoryMiB, string Cpu, string Image, string? Reason);

/// <summary>One line of the VE list.</summary>
public sealed record VeSummaryJson(string Ve, string State);

/// <summary>A transition of a VE (<see cref="Vm"/> null) or of one of its VMs.</summary>
public sealed record TransitionJson(string Ve, string? Vm, string From, string To, string? Node, string Reason, DateTimeOffset At)
{
    public static TransitionJson Of(VeTransition t) => new(t.Ve, t.Vm, t.From, t.To, t.Node, t.Reason, t.At);
}

/// <summary>A node of the cluster as last monitored: loads (demand / capacity), VMs and flags.</summary>
public sealed record NodeJson(string Node, string? Site, double CpuLoad, double MemoryLoad, int VmCount, bool Overloaded, bool Maintenance, bool Down,
    bool Unreachable, string? ReservedBy)
{
    public static NodeJson From(NodeCell c) => new(c.Node, c.Site, c.CpuLoad, c.MemoryLoad, c.Vms, c.Overloaded, c.Maintenance, c.Down, c.Unreachable, c.ReservedBy);
}

/// <summary>One node in detail: capacity, demand, each VM, reservation and pending event.</summary>
public sealed record NodeDetailJson(string Node, string? Site, ResourcesJson? Capacity, ResourcesJson? Demand, bool Overloaded, bool Maintenance, bool Down,
    DateTimeOffset? UnreachableSince, string? ReservedBy, string? PendingEvent, DateTimeOffset? MonitoredAt, IReadOnlyList<VmJsonOnNode> Vms)
{
    public static NodeDetailJson From(NodeStatus s)
    {
        var last = s.LastSnapshot;
        return new(s.Node, last?.Site, last is null ? null : ResourcesJson.From(last.Capacity), last is null ? null : ResourcesJson.From(last.Demand),
            last?.Overloaded ?? false, s.Maintenance, s.Down, s.UnreachableSince, s.Reservation?.PartitionId, s.PendingEvent?.Kind.ToString(), last?.At,
            last is null ? [] : [.. last.Vms.Select(v => new VmJsonOnNode(v.Id, v.State.ToString(), v.VCpus, v.MemoryMiB, v.CpuDemand))]);
    }
}

/// <summary>CPU in hundredths of a core, memory in MiB.</summary>
public sealed record ResourcesJson(int Cpu, int MemoryMiB)
{
    public static ResourcesJson From(Resources r) => new(r.Cpu, r.MemoryMiB);
}

/// <summary>A VM as its node sees it (CPU demand in hundredths of a core).</summary>
public sealed record VmJsonOnNode(string Id, string State, int VCpus, int MemoryMiB, int CpuDemand);

/// <summary>A DVMS partition in progress: its id, the node whose event started it and the nodes it holds.</summary>
public sealed record PartitionJson(string Id, string Leader, IReadOnlyList<string> Nodes);

/// <summary>A scheduling event as the event stream sends it: one DVMS partition that ended.</summary>
public sealed record PartitionEndedJson(string Partition, string Node, string Kind, string Outcome, int NodeCount, int Migrations, DateTimeOffset DetectedAt,
    DateTimeOffset EndedAt, string? Detail, IReadOnlyList<MoveJson> Moves)
{
    public static PartitionEndedJson From(PartitionNotice n) =>
        new(n.Partition, n.Node, n.Kind.ToString(), n.Outcome.ToString(), n.Nodes, n.Migrations, n.DetectedAt, n.EndedAt, n.Detail,
            n.Moves.IsDefault ? [] : [.. n.Moves.Select(m => new MoveJson(m.Vm, m.From, m.To, m.MemoryMiB))]);
}

/// <summary>One migration of a plan: the VM, from which node to which, its memory.</summary>
public sealed record MoveJson(string Vm, string From, string To, int MemoryMiB);

/// <summary>Health of this silo: 200 when it is an active member and at least one of its hypervisors answers.</summary>
/// <param name="OldestReadingSeconds">Age of the oldest monitoring reading the answer is made of (infrastructure seconds); null without hypervisors.</param>
public sealed record HealthJson(string Status, bool Member, string SiloStatus, int Hypervisors, int Answering, IReadOnlyList<string> NotAnswering, IReadOnlyList<string> Reasons,
    double? OldestReadingSeconds = null);

internal static class ImmutableExtensions
{
    public static ImmutableArray<string> ToArrayOrEmpty(this IReadOnlyList<string>? list) => list is null ? [] : [.. list];
}
