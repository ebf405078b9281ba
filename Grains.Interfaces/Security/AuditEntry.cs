namespace Discovery.Security;

/// <summary>One call from a client that changed something, or was refused: who, for which tenant, what, on what, and how it ended.</summary>
[GenerateSerializer, Immutable, Alias("discovery.audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Subject,
    [property: Id(2)] Role Role,
    [property: Id(3)] string? Tenant,
    [property: Id(4)] string Action,
    [property: Id(5)] string Target,
    [property: Id(6)] string Outcome)
{
    /// <summary>As <c>discovery watch</c> prints it.</summary>
    public override string ToString() =>
        $"{At:HH:mm:ss} audit {new Caller(Subject, Role, Tenant)} {Action} {Target}: {Outcome}";
}
