namespace Discovery.Hypervisors;

/// <summary>Broad reason a hypervisor operation failed, for callers that react to it.</summary>
public enum HypervisorErrorKind
{
    /// <summary>Anything not listed below.</summary>
    Other,
    /// <summary>No such VM on this hypervisor.</summary>
    NotFound,
    /// <summary>A VM with that id already exists.</summary>
    AlreadyExists,
    /// <summary>The VM definition was rejected (bad XML, bad values).</summary>
    InvalidDefinition,
    /// <summary>The VM is not in a state that allows the operation.</summary>
    InvalidState,
    /// <summary>The host lacks room for the VM.</summary>
    InsufficientResources,
    /// <summary>The driver does not support the operation.</summary>
    Unsupported,
    /// <summary>The hypervisor cannot be reached.</summary>
    ConnectionFailed,
}
