using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Security;

/// <summary>
/// A tenant's constraints bind only its own VMs: <c>offline</c> (no VM at all on some nodes) and <c>lonely</c> (no other
/// VE's VM beside these) restrict every tenant, so only an operator may submit them.
/// </summary>
public static class TenantConstraints
{
    /// <summary>Null when a tenant may submit <paramref name="spec"/>; else which constraint it may not, and why.</summary>
    public static string? Refusal(VeSpec spec)
    {
        for (var i = 0; i < spec.Constraints.Length; i++)
        {
            var name = spec.Constraints[i] switch { Offline => "offline", Lonely => "lonely", _ => null };
            if (name is not null)
                return $"constraints[{i}] ({name}) restricts other tenants' VMs: only an operator may submit it";
        }
        return null;
    }
}
