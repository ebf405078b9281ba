namespace Discovery.Monitoring;

/// <summary>
/// One node as the operator page draws it, from the node grain's last monitoring read (no hypervisor call):
/// small enough to ask every node of the cluster for it once a second.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.node-cell")]
public sealed record NodeCell(
    [property: Id(0)] string Node,
    [property: Id(1)] string? Site,
    [property: Id(2)] double CpuLoad,
    [property: Id(3)] double MemoryLoad,
    [property: Id(4)] int Vms,
    [property: Id(5)] bool Overloaded,
    [property: Id(6)] bool Maintenance,
    [property: Id(7)] bool Down,
    [property: Id(8)] bool Unreachable,
    [property: Id(9)] string? ReservedBy);
