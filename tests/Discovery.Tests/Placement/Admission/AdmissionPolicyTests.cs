using Discovery.Model;
using Discovery.Placement.Admission;

namespace Discovery.Tests.Placement.Admission;

public sealed class AdmissionPolicyTests
{
    [Fact]
    public void Defaults_are_novas_four_vcpus_per_core_and_memory_never_overcommitted()
    {
        Assert.Equal(new Resources(3200, 32768), AdmissionPolicy.Default.Allocatable(Resources.OfCores(8, 32768), "any"));
        Assert.Equal("vCPUs up to 4x a node's cores, memory up to 1x its memory", AdmissionPolicy.Default.Describe());
    }

    [Fact]
    public void A_pop_overrides_only_the_ratios_it_gives()
    {
        var policy = new AdmissionPolicy
        {
            CpuAllocationRatio = 2, MemoryAllocationRatio = 1,
            Sites = new Dictionary<string, SiteAdmission> { ["edge"] = new(CpuAllocationRatio: 1.5), ["big"] = new(MemoryAllocationRatio: 1.25) },
        };
        Assert.Equal(new Resources(600, 1000), policy.Allocatable(new Resources(400, 1000), "edge"));
        Assert.Equal(new Resources(800, 1250), policy.Allocatable(new Resources(400, 1000), "big"));
        Assert.Equal(new Resources(800, 1000), policy.Allocatable(new Resources(400, 1000), "other"));
        Assert.Equal("vCPUs up to 2x a node's cores, memory up to 1x its memory; per PoP big: 2x, 1.25x, edge: 1.5x, 1x", policy.Describe());
    }

    [Fact]
    public void Expected_cpu_stays_within_the_vcpus()
    {
        Assert.Equal(200, AdmissionPolicy.ExpectedCpu(new VmSpec("a", 2, 512, "i", 500)));
        Assert.Equal(0, AdmissionPolicy.ExpectedCpu(new VmSpec("a", 2, 512, "i", -5)));
        Assert.Equal(150, AdmissionPolicy.ExpectedCpu(new VmSpec("a", 2, 512, "i", 150)));
    }

    [Fact]
    public void Each_bad_ratio_is_named_with_its_key()
    {
        var policy = new AdmissionPolicy
        {
            CpuAllocationRatio = 0, MemoryAllocationRatio = 5,
            Sites = new Dictionary<string, SiteAdmission> { ["edge"] = new(CpuAllocationRatio: 65), ["ok"] = new(1, 1) },
        };
        Assert.Equal(
        [
            "CpuAllocationRatio: must be within [0.1, 64], got 0",
            "MemoryAllocationRatio: must be within [0.1, 4], got 5",
            "Sites:edge:CpuAllocationRatio: must be within [0.1, 64], got 65",
        ], policy.Problems());
        Assert.Empty(AdmissionPolicy.Default.Problems());
    }
}
