namespace Discovery.Hypervisors;

/// <summary>What happened to a VM, as the hypervisor reports it.</summary>
public enum VmLifecycleKind { Defined, Undefined, Started, Suspended, Resumed, Stopped, Shutdown, Crashed, Migrated, Other }

/// <summary>A lifecycle notification from one hypervisor.</summary>
public sealed record VmLifecycleEvent(string Node, string VmId, VmLifecycleKind Kind, int Detail, DateTimeOffset At);
