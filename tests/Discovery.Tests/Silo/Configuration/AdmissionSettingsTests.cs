using Discovery.Placement.Admission;
using Discovery.Silo.Configuration;
using static Discovery.Tests.Silo.Configuration.ConfigurationReading;

namespace Discovery.Tests.Silo.Configuration;

/// <summary>
/// <c>Discovery:Scheduling:CpuAllocationRatio</c>, <c>MemoryAllocationRatio</c> and <c>Sites:&lt;pop&gt;:...</c>: read into the
/// admission policy the VE grains receive, each bad value refused with its key.
/// </summary>
public sealed class AdmissionSettingsTests
{
    [Fact]
    public void Without_keys_admission_is_four_vcpus_per_core_and_memory_one_to_one()
    {
        var (settings, problems) = Read();
        Assert.Empty(problems);
        var policy = settings.Scheduling.ToDvmsOptions().Admission;
        Assert.Equal((4.0, 1.0, 0), (policy.CpuAllocationRatio, policy.MemoryAllocationRatio, policy.Sites.Count));
    }

    [Fact]
    public void The_cluster_and_each_pop_ratios_are_read_from_their_keys()
    {
        var (settings, problems) = Read(
            ("Discovery:Scheduling:CpuAllocationRatio", "2.5"), ("Discovery:Scheduling:MemoryAllocationRatio", "1.2"),
            ("Discovery:Scheduling:Sites:edge-1:CpuAllocationRatio", "1"), ("Discovery:Scheduling:Sites:core:MemoryAllocationRatio", "1.5"));
        Assert.Empty(problems);
        var policy = settings.Scheduling.ToDvmsOptions().Admission;
        Assert.Equal((2.5, 1.2), (policy.CpuAllocationRatio, policy.MemoryAllocationRatio));
        Assert.Equal((1.0, 1.2), (policy.CpuRatioOf("edge-1"), policy.MemoryRatioOf("edge-1")));
        Assert.Equal((2.5, 1.5), (policy.CpuRatioOf("core"), policy.MemoryRatioOf("core")));
        Assert.Equal((2.5, 1.2), (policy.CpuRatioOf("elsewhere"), policy.MemoryRatioOf("elsewhere")));
    }

    [Fact]
    public void A_bad_ratio_is_refused_with_its_full_key()
    {
        Assert.Equal(["Discovery:Scheduling:CpuAllocationRatio: must be within [0.1, 64], got 0"],
            Read(("Discovery:Scheduling:CpuAllocationRatio", "0")).Problems);
        Assert.Equal(["Discovery:Scheduling:Sites:edge-1:MemoryAllocationRatio: must be within [0.1, 4], got 8"],
            Read(("Discovery:Scheduling:Sites:edge-1:MemoryAllocationRatio", "8")).Problems);
    }
}
