namespace Discovery.Security;

/// <summary>
/// Who made a call, from a validated token: its subject (<c>sub</c>), role and, for <see cref="Role.Tenant"/>, its tenant.
/// Carried in the Orleans request context of the calls it starts (<see cref="CallerContext"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.caller")]
public sealed record Caller([property: Id(0)] string Subject, [property: Id(1)] Role Role, [property: Id(2)] string? Tenant)
{
    /// <summary>Whether the caller may read the VEs of <paramref name="tenant"/>: its own, or every one for operators and readers.</summary>
    public bool MaySee(string tenant) => Role != Role.Tenant || string.Equals(Tenant, tenant, StringComparison.Ordinal);

    /// <summary>As audit lines print it: <c>alice (tenant alice)</c>, <c>ops (operator)</c>.</summary>
    public override string ToString() => Role == Role.Tenant ? $"{Subject} (tenant {Tenant})" : $"{Subject} ({Role.Name()})";
}
