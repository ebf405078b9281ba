using System.Text.Json;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Silo.Operations;

namespace Discovery.Tests.Operations;

/// <summary>
/// A JSON VM's <c>cpu</c>: read as the VE language reads <c>cpu:</c> (absent, all its vCPUs), refused with the same
/// message under its field's path, and shown back on the VE's VMs.
/// </summary>
public sealed class VeSubmissionCpuTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static VeSubmissions.ParsedSubmission Parse(string json) => VeSubmissions.Parse("acme/shop", JsonSerializer.Deserialize<VeSubmission>(json, Json)!);

    [Fact]
    public void Cpu_is_the_expected_demand_and_all_the_vcpus_when_absent()
    {
        var parsed = Parse("""
            {"vms": [{"name": "half", "vCpus": 2, "memoryMiB": 512, "cpu": "50%"}, {"name": "idle", "vCpus": 2, "memoryMiB": 512, "cpu": "0%"},
                     {"name": "busy", "vCpus": 2, "memoryMiB": 512, "cpu": "100%"}, {"name": "quarter", "vCpus": 4, "memoryMiB": 512, "cpu": "25%"},
                     {"name": "unsaid", "vCpus": 2, "memoryMiB": 512}, {"name": "null", "vCpus": 3, "memoryMiB": 512, "cpu": null}]}
            """);

        Assert.Empty(parsed.Problems);
        Assert.Equal([("half", 100), ("idle", 0), ("busy", 200), ("quarter", 100), ("unsaid", 200), ("null", 300)],
            parsed.Spec.Vms.Select(v => (v.Id, v.CpuDemand)));
    }

    [Fact]
    public void A_cpu_that_is_not_a_percentage_from_0_to_100_is_named_by_its_field_with_the_language_s_message()
    {
        var parsed = Parse("""
            {"vms": [{"name": "a", "vCpus": 2, "memoryMiB": 512, "cpu": "50%"}, {"name": "b", "vCpus": 2, "memoryMiB": 512, "cpu": "150%"},
                     {"name": "c", "vCpus": 2, "memoryMiB": 512, "cpu": "50"}, {"name": "d", "vCpus": 2, "memoryMiB": 512, "cpu": "-1%"},
                     {"name": "e", "vCpus": 2, "memoryMiB": 512, "cpu": ""}]}
            """);

        Assert.Equal([
            "vms[1].cpu: must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '150%'",
            "vms[2].cpu: must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '50'",
            "vms[3].cpu: must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '-1%'",
            "vms[4].cpu: must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got ''",
        ], parsed.Problems.Select(p => $"{p.Where}: {p.Message}"));
        // What did not parse is left at all the vCPUs: the spec validator finds nothing more to say about it.
        Assert.Equal([100, 200, 200, 200, 200], parsed.Spec.Vms.Select(v => v.CpuDemand));
        Assert.Empty(Validation.VeSpecValidator.Validate(parsed.Spec with { Id = "shop" }));
    }

    [Fact]
    public void The_spec_validator_s_cpu_demand_reads_as_cpu()
    {
        Assert.Equal("vms[3].cpu", VeSubmissions.ApiField("vms[3].cpuDemand"));
        Assert.Equal("vms[3].vCpus", VeSubmissions.ApiField("vms[3].vcpus"));
    }

    [Fact]
    public void A_ve_s_vms_show_their_cpu_as_a_percentage()
    {
        var view = new VeView("acme/shop", VeState.Running, [
            new VeVm("half", new VmSpec("acme.shop.half", 2, 512, "debian-12", 100), VmState.Running, "n1"),
            new VeVm("third", new VmSpec("acme.shop.third", 3, 512, "debian-12", 100), VmState.Running, "n1"),
            new VeVm("busy", new VmSpec("acme.shop.busy", 1, 512, "debian-12", 100), VmState.Stopped, null)], [], null, null, []);

        Assert.Equal(["50%", "33.3%", "100%"], VeJson.From(view).Vms.Select(v => v.Cpu));
    }
}
