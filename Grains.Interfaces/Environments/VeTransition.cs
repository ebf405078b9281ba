namespace Discovery.Environments;

/// <summary>
/// One transition of a VE or of one of its VMs (<see cref="Vm"/> null for the VE itself), with the
/// node involved and why: published to subscribers and kept in the VE's recent history.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.ve.transition")]
public sealed record VeTransition(
    [property: Id(0)] string Ve,
    [property: Id(1)] string? Vm,
    [property: Id(2)] string From,
    [property: Id(3)] string To,
    [property: Id(4)] string? Node,
    [property: Id(5)] string Reason,
    [property: Id(6)] DateTimeOffset At)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Ve}{(Vm is null ? "" : "/" + Vm)}: {From} -> {To}{(Node is null ? "" : " on " + Node)} ({Reason})";
}
