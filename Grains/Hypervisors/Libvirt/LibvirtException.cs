namespace Discovery.Hypervisors.Libvirt;

/// <summary>A libvirt call failed: carries libvirt's error code, domain and message (from virGetLastError).</summary>
[GenerateSerializer, Alias("discovery.libvirt-error")]
public sealed class LibvirtException : HypervisorException
{
    /// <summary>libvirt's error <paramref name="code"/> (in <paramref name="errorDomain"/>) on <paramref name="operation"/>.</summary>
    public LibvirtException(string node, string operation, int code, int errorDomain, string libvirtMessage, HypervisorErrorKind? kind = null)
        : base(node, kind ?? Classify(code), $"{operation} failed: {libvirtMessage} (libvirt error {code}, domain {errorDomain})") =>
        (Code, ErrorDomain, Operation, LibvirtMessage) = (code, errorDomain, operation, libvirtMessage);

    /// <summary>libvirt's virErrorNumber.</summary>
    [Id(0)]
    public int Code { get; private set; }

    /// <summary>libvirt's virErrorDomain (which subsystem raised it).</summary>
    [Id(1)]
    public int ErrorDomain { get; private set; }

    /// <summary>The operation Discovery attempted.</summary>
    [Id(2)]
    public string Operation { get; private set; }

    /// <summary>libvirt's own message.</summary>
    [Id(3)]
    public string LibvirtMessage { get; private set; }

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
