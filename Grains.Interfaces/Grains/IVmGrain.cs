using Discovery.Model;
using Orleans.Concurrency;

namespace Discovery.Grains;

/// <summary>
/// One VM (key: its hypervisor id): the VE it belongs to (none for VMs Discovery did not create),
/// the state its VE wants, and where it runs. Node grains report what they see; the VM grain tells
/// its VE when the VM went down without being asked.
/// </summary>
[Alias("discovery.IVmGrain")]
public interface IVmGrain : IGrainWithStringKey
{
    /// <summary>The VE placed (or moved) the VM on <paramref name="host"/> and wants it in <paramref name="desired"/>.</summary>
    [Alias("Assign")]
    Task AssignAsync(string ve, string? host, VmState desired);

    /// <summary>The VM landed on <paramref name="host"/> (a scheduler migrated it).</summary>
    [Alias("Moved"), OneWay]
    Task MovedAsync(string host);

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
