namespace Discovery.Security;

/// <summary>The outcome of <see cref="AccessRules.Decide"/>.</summary>
public enum AccessDecision
{
    /// <summary>The call goes on.</summary>
    Allow,
    /// <summary>The VE is another tenant's: answered as if it did not exist.</summary>
    NotFound,
    /// <summary>The role does not allow it.</summary>
    Forbidden,
}

/// <summary>Which role may do what, on whose VEs: the one table both the client library's and the HTTP API's calls are judged by.</summary>
public static class AccessRules
{
    /// <summary>
    /// Whether <paramref name="caller"/> may make a call doing <paramref name="access"/>; <paramref name="veTenant"/> is the
    /// tenant of the VE the call is about, if any.
    /// </summary>
    public static AccessDecision Decide(Caller caller, Access access, string? veTenant, bool faultsAllowed) => (caller.Role, access) switch
    {
        (Role.Operator, Access.InjectFaults) => faultsAllowed ? AccessDecision.Allow : AccessDecision.Forbidden,
        (Role.Operator, _) => AccessDecision.Allow,
        (_, Access.ListVes or Access.Watch or Access.ReadImages) => AccessDecision.Allow,
        (Role.Tenant, Access.PushImage) => AccessDecision.Allow, // its own private images only: the catalogue checks the image's tenant
        (Role.Reader, Access.ReadVe or Access.ReadCluster) => AccessDecision.Allow,
        (Role.Tenant, Access.ReadVe or Access.OperateVe) => veTenant is not null && caller.MaySee(veTenant) ? AccessDecision.Allow : AccessDecision.NotFound,
        (Role.Tenant, Access.SubmitVe) => veTenant is not null && caller.MaySee(veTenant) ? AccessDecision.Allow : AccessDecision.Forbidden,
        _ => AccessDecision.Forbidden,
    };

    /// <summary>Why <see cref="AccessDecision.Forbidden"/>, for the caller.</summary>
    public static string WhyForbidden(Caller caller, Access access, string? veTenant) => (caller.Role, access) switch
    {
        (Role.Operator, Access.InjectFaults) => "fault injection is switched off on this cluster (Discovery:Security:AllowFaults)",
        (Role.Tenant, Access.SubmitVe) => $"{caller} may submit VEs under '{caller.Tenant}/' only, not '{veTenant}/'",
        (Role.Reader, _) => $"{caller} may only read: this call changes the cluster",
        _ => $"{caller} may not do this: it needs the operator role",
    };
}
