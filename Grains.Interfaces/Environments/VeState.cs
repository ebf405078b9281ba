namespace Discovery.Environments;

/// <summary>A VE's state, like a process's: the user asks for Running, Stopped or Suspended; Discovery gets there or says why not.</summary>
public enum VeState
{
    /// <summary>Accepted, but some VM has no node yet: waiting for room (the reason says what is missing).</summary>
    Pending = 0,
    /// <summary>Every VM runs.</summary>
    Running = 1,
    /// <summary>Every VM is stopped: they keep their definition but hold neither CPU nor memory.</summary>
    Stopped = 2,
    /// <summary>Every VM is paused: memory kept, no CPU used.</summary>
    Suspended = 3,
    /// <summary>A VM kept crashing (crash-loop protection) or could not be restarted: the reason says which and why.</summary>
    Failed = 4,
    /// <summary>Deleted: every VM destroyed and forgotten.</summary>
    Deleted = 5,
}
