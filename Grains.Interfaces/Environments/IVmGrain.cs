using Discovery.Model;
using Orleans.Concurrency;

namespace Discovery.Environments;

/// <summary>
/// One VM (key: its hypervisor id): where it runs. Node grains and schedulers report what they see;
/// the VM grain relays it to the VM's VE (found from the id; none for VMs Discovery did not create),
/// which decides what a report means.
/// </summary>
[Alias("discovery.IVmGrain")]
public interface IVmGrain : IGrainWithStringKey
{
    /// <summary>The VM's VE placed it on <paramref name="host"/> (null: it has no node now).</summary>
    [Alias("Placed")]
    Task PlacedAsync(string? host);

    /// <summary>The VM's copy on <paramref name="from"/> landed on <paramref name="host"/> (a scheduler migrated it).</summary>
    [Alias("Moved"), OneWay]
    Task MovedAsync(string from, string host);

    /// <summary>A node saw the VM in <paramref name="state"/>; its VE learns of a crash or an unrequested stop.</summary>
    [Alias("Observed"), OneWay]
    Task ObservedAsync(VmState state, string node);

    /// <summary>The host it was last placed or moved to (null: unknown to Discovery).</summary>
    [Alias("GetHost")]
    Task<string?> GetHostAsync();

    /// <summary>Forgets the VM (its VE deleted it).</summary>
    [Alias("Forget")]
    Task ForgetAsync();
}
