namespace Discovery.Hypervisors.Libvirt;

/// <summary>A libvirt call failed: carries libvirt's error code, domain and message (from virGetLastError).</summary>
public sealed class LibvirtException(string node, string operation, int code, int errorDomain, string libvirtMessage, HypervisorErrorKind? kind = null)
    : HypervisorException(node, kind ?? Classify(code), $"{operation} failed: {libvirtMessage} (libvirt error {code}, domain {errorDomain})")
{
    /// <summary>libvirt's virErrorNumber.</summary>
    public int Code { get; } = code;

    /// <summary>libvirt's virErrorDomain (which subsystem raised it).</summary>
    public int ErrorDomain { get; } = errorDomain;

    /// <summary>The operation Discovery attempted.</summary>
    public string Operation { get; } = operation;

    /// <summary>libvirt's own message.</summary>
    public string LibvirtMessage { get; } = libvirtMessage;

    /// <summary>True when the driver cannot do this at all (e.g. the test driver and migration).</summary>
    public bool IsUnsupported => Kind == HypervisorErrorKind.Unsupported;

    private static HypervisorErrorKind Classify(int code) => code switch
    {
        LibvirtNative.ErrNoDomain => HypervisorErrorKind.NotFound,
        LibvirtNative.ErrDomExist => HypervisorErrorKind.AlreadyExists,
        LibvirtNative.ErrXmlError or LibvirtNative.ErrXmlDetail or LibvirtNative.ErrInvalidArg or LibvirtNative.ErrConfigUnsupported => HypervisorErrorKind.InvalidDefinition,
        LibvirtNative.ErrOperationInvalid => HypervisorErrorKind.InvalidState,
        LibvirtNative.ErrNoSupport or LibvirtNative.ErrArgumentUnsupported or LibvirtNative.ErrOperationUnsupported => HypervisorErrorKind.Unsupported,
        LibvirtNative.ErrNoConnect or LibvirtNative.ErrOpenFailed or LibvirtNative.ErrAuthFailed => HypervisorErrorKind.ConnectionFailed,
        _ => HypervisorErrorKind.Other,
    };
}
