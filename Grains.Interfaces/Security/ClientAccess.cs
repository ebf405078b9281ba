namespace Discovery.Security;

/// <summary>What a grain method does, for the silo's check of calls from clients (<see cref="ClientAccessAttribute"/>).</summary>
public enum Access
{
    /// <summary>Reads one VE (key <c>tenant/name</c>): its tenant, operators and readers.</summary>
    ReadVe,
    /// <summary>Submits a VE: its tenant and operators.</summary>
    SubmitVe,
    /// <summary>Operates one VE (start, stop, suspend, resume, delete): its tenant and operators.</summary>
    OperateVe,
    /// <summary>Lists VEs: every role; a tenant sees its own.</summary>
    ListVes,
    /// <summary>Watches events: every role; a tenant receives its own VEs' only.</summary>
    Watch,
    /// <summary>Reads nodes and the cluster's scheduling: operators and readers.</summary>
    ReadCluster,
    /// <summary>Changes nodes (drain, undrain): operators.</summary>
    OperateCluster,
    /// <summary>Injects faults into simulated nodes: operators, where the silo allows faults.</summary>
    InjectFaults,
    /// <summary>Lists and reads images: every role; a tenant sees the public images and its own.</summary>
    ReadImages,
    /// <summary>Pushes or deletes an image: operators, and tenants for their own private images.</summary>
    PushImage,
}

/// <summary>
/// Marks a grain method as part of the public surface clients may call, with what it does. A client's call to any
/// method without it is refused, whatever the token: nodes' roles, directories, scheduling and event publishing are the
/// cluster's own.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ClientAccessAttribute(Access access) : Attribute
{
    /// <summary>What the method does.</summary>
    public Access Access { get; } = access;

    /// <summary>Whether the method changes something (audited).</summary>
    public bool Mutates => Access is Access.SubmitVe or Access.OperateVe or Access.OperateCluster or Access.InjectFaults or Access.PushImage;
}
