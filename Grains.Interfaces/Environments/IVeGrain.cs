using Discovery.Security;
using Discovery.Model;
using Orleans.Concurrency;

namespace Discovery.Environments;

/// <summary>
/// A virtual environment (key <c>tenant/name</c>; the seed's VET): a user's VMs and constraints,
/// operated like a process. Each operation is a VE context switch applied under the placement
/// safety rules; operations on one VE run one after the other (a second one waits for the first).
/// Repeating an operation that already holds does nothing and succeeds.
/// </summary>
[Alias("discovery.IVeGrain")]
public interface IVeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates <paramref name="spec"/> (every problem at once: <see cref="Validation.InvalidSpecException"/>,
    /// nothing stored), stores it, places its VMs and starts them. Returns Running, or Pending with the reason.
    /// VM names in the spec are the VE's own (<c>web1</c>); constraints name them the same way.
    /// </summary>
    [ClientAccess(Access.SubmitVe)]
    [Alias("Submit")]
    Task<VeView> SubmitAsync(VeSpec spec);

    /// <summary>
    /// Compiles <paramref name="text"/> in the VE language (errors named after <paramref name="file"/>; node
    /// names checked against the cluster's nodes) and submits it: <see cref="Validation.InvalidVeTextException"/>
    /// with every error of the text, else as <see cref="SubmitAsync"/>.
    /// </summary>
    [ClientAccess(Access.SubmitVe)]
    [Alias("SubmitText")]
    Task<VeView> SubmitTextAsync(string text, string file);

    /// <summary>Starts a stopped (or failed) VE; re-places VMs whose node no longer has room.</summary>
    [ClientAccess(Access.OperateVe)]
    [Alias("Start")]
    Task<VeView> StartAsync();

    /// <summary>Stops every VM (they release CPU and memory, keep their definition).</summary>
    [ClientAccess(Access.OperateVe)]
    [Alias("Stop")]
    Task<VeView> StopAsync();

    /// <summary>Pauses every VM (memory kept, CPU released).</summary>
    [ClientAccess(Access.OperateVe)]
    [Alias("Suspend")]
    Task<VeView> SuspendAsync();

    /// <summary>Resumes a suspended VE.</summary>
    [ClientAccess(Access.OperateVe)]
    [Alias("Resume")]
    Task<VeView> ResumeAsync();

    /// <summary>Destroys and forgets every VM and the VE's constraints.</summary>
    [ClientAccess(Access.OperateVe)]
    [Alias("Delete")]
    Task<VeView> DeleteAsync();

    /// <summary>The VE now, with the operation under way if any (<see cref="VeRefusedException"/> when it was never submitted).</summary>
    [ClientAccess(Access.ReadVe)]
    [Alias("Get"), AlwaysInterleave]
    Task<VeView> GetAsync();

    /// <summary>A VM of this VE was seen in <paramref name="state"/> on <paramref name="node"/> without being asked (crash, power-off).</summary>
    [Alias("VmFailed"), OneWay]
    Task VmFailedAsync(string vmId, VmState state, string node);

    /// <summary>
    /// A scheduler migrated a copy of a VM of this VE from <paramref name="from"/> to <paramref name="host"/>.
    /// When the VE records the VM elsewhere, the copy was a stale one (its node came back): it is ruled on where it
    /// landed as in <see cref="CopyFoundAsync"/>.
    /// </summary>
    [Alias("VmMoved"), OneWay]
    Task VmMovedAsync(string vmId, string from, string host);

    /// <summary>
    /// <paramref name="node"/> was marked down: every VM of this VE recorded there is placed and
    /// started elsewhere (if the VE wants it running), under the VE's constraints.
    /// </summary>
    [Alias("NodeDown"), OneWay]
    Task NodeDownAsync(string node);

    /// <summary>
    /// <paramref name="node"/> came back listing a copy of <paramref name="vmId"/> in <paramref name="state"/>:
    /// the VE keeps it if the VM is still recorded there or has no node yet, and destroys it if the
    /// VM runs elsewhere by now (no VM ever runs twice) or the VE no longer wants it.
    /// </summary>
    [Alias("CopyFound"), OneWay]
    Task CopyFoundAsync(string vmId, string node, VmState state);

    /// <summary>Room may have appeared (a VE deleted or stopped, a node added or back from maintenance): a pending VE tries again.</summary>
    [Alias("RetryPlacement"), OneWay]
    Task RetryPlacementAsync();
}
