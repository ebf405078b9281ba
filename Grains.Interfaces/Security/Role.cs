namespace Discovery.Security;

/// <summary>What a token lets its bearer do (the <c>role</c> claim).</summary>
public enum Role
{
    /// <summary>Reads everything (VEs of every tenant, nodes, partitions, events) and changes nothing.</summary>
    Reader,
    /// <summary>Submits, operates, reads and watches the VEs of its own tenant only.</summary>
    Tenant,
    /// <summary>Everything: every VE, nodes, drain, the page, the dashboard, metrics, faults where allowed.</summary>
    Operator,
}

/// <summary>How roles are written: in tokens' <c>role</c> claim, messages and audit lines.</summary>
public static class RoleNames
{
    /// <summary><c>operator</c>, <c>tenant</c>, <c>reader</c>.</summary>
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();
}
