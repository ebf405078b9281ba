using Discovery.Model;

namespace Discovery.Environments;

/// <summary>
/// One VM of a VE as the VE grain knows it: its spec (hypervisor id inside), state and host.
/// <see cref="Restoring"/>: it ran until its node died (or it went missing) and is being placed again.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.ve.vm")]
public sealed record VeVm(
    [property: Id(0)] string Name,
    [property: Id(1)] VmSpec Spec,
    [property: Id(2)] VmState State,
    [property: Id(3)] string? Host,
    [property: Id(4)] string? Reason = null,
    [property: Id(5)] bool Restoring = false)
{
    /// <summary>The VM's id on hypervisors (<c>tenant.ve.vm</c>).</summary>
    public string Id => Spec.Id;
}
