using System.Globalization;
using Discovery.Model;

namespace Discovery.Placement.Admission;

/// <summary>The allocation ratios of one site (PoP); a null ratio keeps the cluster's.</summary>
public sealed record SiteAdmission(double? CpuAllocationRatio = null, double? MemoryAllocationRatio = null);

/// <summary>
/// How a new VM is admitted on a node (after OpenStack Nova's allocation ratios): by allocation, not by the
/// load of the moment. A node may have VMs allocated up to <see cref="CpuAllocationRatio"/> times its cores
/// in vCPUs and <see cref="MemoryAllocationRatio"/> times its memory; a VM allocates all its vCPUs and all
/// its memory whatever it uses. Among the nodes that admit a VM, the placement prefers those whose live load
/// leaves the most room for its expected demand (<see cref="VmSpec.CpuDemand"/>); DVMS absorbs what that
/// guess missed. Per site (PoP) ratios override the cluster's.
/// </summary>
public sealed record AdmissionPolicy
{
    /// <summary>Nova's initial CPU allocation ratio: 4 vCPUs allocated per core.</summary>
    public const double DefaultCpuAllocationRatio = 4.0;

    /// <summary>Memory is never overcommitted unless configured.</summary>
    public const double DefaultMemoryAllocationRatio = 1.0;

    /// <summary>vCPUs a node may have allocated per core.</summary>
    public double CpuAllocationRatio { get; init; } = DefaultCpuAllocationRatio;

    /// <summary>Memory a node may have allocated per MiB it has.</summary>
    public double MemoryAllocationRatio { get; init; } = DefaultMemoryAllocationRatio;

    /// <summary>Ratios of single sites, by site name.</summary>
    public IReadOnlyDictionary<string, SiteAdmission> Sites { get; init; } = new Dictionary<string, SiteAdmission>();

    /// <summary>The cluster's defaults: CPU 4, memory 1, no site of its own.</summary>
    public static AdmissionPolicy Default { get; } = new();

    /// <summary>The CPU ratio in force on <paramref name="site"/>.</summary>
    public double CpuRatioOf(string? site) =>
        site is not null && Sites.TryGetValue(site, out var s) && s.CpuAllocationRatio is { } r ? r : CpuAllocationRatio;

    /// <summary>The memory ratio in force on <paramref name="site"/>.</summary>
    public double MemoryRatioOf(string? site) =>
        site is not null && Sites.TryGetValue(site, out var s) && s.MemoryAllocationRatio is { } r ? r : MemoryAllocationRatio;

    /// <summary>What a node of <paramref name="capacity"/> on <paramref name="site"/> may have allocated in all.</summary>
    public Resources Allocatable(Resources capacity, string? site) =>
        new(Scale(capacity.Cpu, CpuRatioOf(site)), Scale(capacity.MemoryMiB, MemoryRatioOf(site)));

    /// <summary>What a VM allocates on its node: all its vCPUs (100 each) and all its memory.</summary>
    public static Resources Allocation(int vcpus, int memoryMiB) => new(checked(vcpus * 100), memoryMiB);

    /// <summary>What a VM is expected to use of its node's CPU: its declared demand, within its vCPUs.</summary>
    public static int ExpectedCpu(VmSpec vm) => Math.Clamp(vm.CpuDemand, 0, vm.MaxCpuDemand);

    /// <summary>The policy in one line, for reasons and logs.</summary>
    public string Describe()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"vCPUs up to {CpuAllocationRatio:0.##}x a node's cores, memory up to {MemoryAllocationRatio:0.##}x its memory");
        var sites = Sites.Where(s => s.Value is not null).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}: {CpuRatioOf(s.Key):0.##}x, {MemoryRatioOf(s.Key):0.##}x")).ToList();
        return sites.Count == 0 ? text : $"{text}; per PoP {string.Join(", ", sites)}";
    }

    /// <summary>What is wrong with the ratios, each naming its key (relative to the scheduling section).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check("CpuAllocationRatio", CpuAllocationRatio, MaxCpuRatio);
        Check("MemoryAllocationRatio", MemoryAllocationRatio, MaxMemoryRatio);
        foreach (var (site, s) in Sites)
        {
            if (s is null) { problems.Add($"Sites:{site}: empty; give CpuAllocationRatio or MemoryAllocationRatio"); continue; }
            if (s.CpuAllocationRatio is { } c) Check($"Sites:{site}:CpuAllocationRatio", c, MaxCpuRatio);
            if (s.MemoryAllocationRatio is { } m) Check($"Sites:{site}:MemoryAllocationRatio", m, MaxMemoryRatio);
        }
        return problems;

        void Check(string key, double ratio, double max)
        {
            if (!(ratio >= MinRatio && ratio <= max))
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: must be within [{MinRatio}, {max}], got {ratio}"));
        }
    }

    private const double MinRatio = 0.1;
    private const double MaxCpuRatio = 64;
    private const double MaxMemoryRatio = 4;

    private static int Scale(int amount, double ratio) => (int)Math.Min(int.MaxValue, Math.Floor(amount * ratio + 1e-9));
}
