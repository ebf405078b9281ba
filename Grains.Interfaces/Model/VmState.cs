namespace Discovery.Model;

/// <summary>Lifecycle state of a VM as its hypervisor reports it.</summary>
public enum VmState
{
    /// <summary>Known to the hypervisor but never started, or stopped (libvirt SHUTOFF).</summary>
    Stopped = 0,
    /// <summary>Running (libvirt RUNNING or BLOCKED).</summary>
    Running = 1,
    /// <summary>Suspended in memory (libvirt PAUSED).</summary>
    Suspended = 2,
    /// <summary>Shutting down (libvirt SHUTDOWN).</summary>
    ShuttingDown = 3,
    /// <summary>Crashed (libvirt CRASHED).</summary>
    Crashed = 4,
    /// <summary>Being migrated away; it holds resources on both hosts until it lands.</summary>
    Migrating = 5,
    /// <summary>Suspended by the guest's power management (libvirt PMSUSPENDED).</summary>
    PowerSuspended = 6,
    /// <summary>The hypervisor could not tell (libvirt NOSTATE).</summary>
    Unknown = 7,
}
