using System.Collections.Immutable;
using Discovery.Cli;
using Discovery.Cli.Bench;
using Discovery.Model;

namespace Discovery.Tests.Cli;

/// <summary><c>bench ve</c>'s VEs: a range of vCPUs changes only the VMs' sizes and expected demand, never which VEs are drawn.</summary>
public sealed class VeWorkloadTests
{
    private static readonly ImmutableArray<string>[] Sites = [["n1", "n2"], ["n3", "n4"]];
    private static readonly VmSpec Template = new("vm", 1, 1024, "simulated.qcow2", 50);

    [Fact]
    public void A_vcpu_range_sizes_each_vm_and_its_expected_demand_and_keeps_the_ves_of_the_seed()
    {
        var plain = VeWorkload.Generate(40, 3, 10, Template, Sites, seed: 7);
        var sized = VeWorkload.Generate(40, 3, 10, Template, Sites, seed: 7, vcpus: (1, 4), cpuPercent: 50);

        Assert.Equal(plain.Select(v => (v.Key, v.Spec.Vms.Length, string.Join(";", v.Spec.Constraints))),
            sized.Select(v => (v.Key, v.Spec.Vms.Length, string.Join(";", v.Spec.Constraints))));
        var vms = sized.SelectMany(v => v.Spec.Vms).ToList();
        Assert.All(vms, vm => Assert.Equal(vm.VCpus * 50, vm.CpuDemand));
        Assert.Equal([1, 2, 3, 4], vms.Select(v => v.VCpus).Distinct().Order());
        Assert.Equal(vms.Select(v => v.VCpus), VeWorkload.Generate(40, 3, 10, Template, Sites, seed: 7, vcpus: (1, 4), cpuPercent: 50).SelectMany(v => v.Spec.Vms).Select(v => v.VCpus));
    }

    [Theory]
    [InlineData("1", 1, 1)]
    [InlineData("1-4", 1, 4)]
    [InlineData("64", 64, 64)]
    public void A_vcpu_range_is_n_or_min_max(string text, int min, int max) => Assert.Equal((min, max), DiscoveryCommand.ParseRange(text));

    [Theory]
    [InlineData("0")]
    [InlineData("4-1")]
    [InlineData("1-65")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    [InlineData("a")]
    [InlineData("")]
    public void Anything_else_is_refused(string text) => Assert.Null(DiscoveryCommand.ParseRange(text));
}
