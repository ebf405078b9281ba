namespace Discovery.Security;

/// <summary>Whether a VE fits its tenant's quota beside what the tenant's other VEs hold.</summary>
public static class QuotaCheck
{
    /// <summary>Null when <paramref name="wanted"/> fits beside <paramref name="held"/>; else the first quota it breaks, named with the figures.</summary>
    public static string? Refusal(string tenant, Quota quota, TenantUsage held, TenantUsage wanted)
    {
        var after = held.Plus(wanted);
        if (quota.Ves is { } ves && after.Ves > ves) return Line(tenant, "VEs", ves, held.Ves, wanted.Ves);
        if (quota.Vms is { } vms && after.Vms > vms) return Line(tenant, "VMs", vms, held.Vms, wanted.Vms);
        if (quota.VCpus is { } vcpus && after.VCpus > vcpus) return Line(tenant, "vCPUs", vcpus, held.VCpus, wanted.VCpus);
        if (quota.MemoryMiB is { } memory && after.MemoryMiB > memory) return Line(tenant, "MiB of memory", memory, held.MemoryMiB, wanted.MemoryMiB);
        return null;
    }

    private static string Line(string tenant, string what, long quota, long held, long wanted) =>
        $"quota exceeded: tenant '{tenant}' may hold {quota} {what} (Discovery:Security:Quotas); it holds {held} and this VE needs {wanted}";
}
