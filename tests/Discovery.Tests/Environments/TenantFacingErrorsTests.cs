using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Discovery.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>
/// What a tenant sees through a VE: images by name from the operator's allow-list (a path refused at submit, nothing
/// stored), and a generic reason for a hypervisor's failure whose full text goes to the silo log only.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class TenantFacingErrorsTests
{
    private static readonly ImageCatalog Images = new(new Dictionary<string, string>
    {
        ["debian-12"] = "/var/lib/discovery/images/debian-12.qcow2",
        ["alpine"] = "/var/lib/discovery/images/alpine.qcow2",
    });

    private static Task<DvmsCluster> StartAsync(int nodes, CapturedLogs? logs = null) =>
        DvmsCluster.StartAsync([.. Enumerable.Range(0, nodes).Select(_ => Vms(0, 0))], new Discovery.Scheduling.DvmsOptions { Enabled = false }, fakeClock: new(),
            configure: silo =>
            {
                silo.Services.AddSingleton(Images);
                if (logs is not null) silo.Services.AddSingleton<ILoggerProvider>(logs);
            });

    [Fact]
    public async Task A_path_or_an_unknown_image_is_refused_at_submit_with_the_known_names_and_nothing_is_stored()
    {
        await using var c = await StartAsync(2);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/web");

        var text = await Assert.ThrowsAsync<InvalidSpecException>(() =>
            ve.SubmitTextAsync("web1 : {vcpus: 1, memory: 512MiB, image: \"/etc/shadow\"};\nweb2 : {vcpus: 1, memory: 512MiB, image: \"centos\"};\n", "web.ve"));
        Assert.Equal([
                "vms[0].image: '/etc/shadow' is a path; name one of: alpine, debian-12",
                "vms[1].image: 'centos' is not a known image; name one of: alpine, debian-12",
            ], text.Problems.Select(p => p.ToString()));
        var spec = await Assert.ThrowsAsync<InvalidSpecException>(() => ve.SubmitAsync(new VeSpec("", [new VmSpec("web1", 1, 512, "/var/lib/discovery/images/alpine.qcow2")], [])));
        Assert.Equal(["vms[0].image: '/var/lib/discovery/images/alpine.qcow2' is a path; name one of: alpine, debian-12"], spec.Problems.Select(p => p.ToString()));

        await Assert.ThrowsAsync<VeRefusedException>(() => ve.GetAsync());
        Assert.Empty(await c.Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync());
        foreach (var h in c.Datacenter.Hypervisors) Assert.Empty(await h.ListVmsAsync());

        var ok = await ve.SubmitTextAsync("web1 : {vcpus: 1, memory: 512MiB, image: \"alpine\"};\n", "web.ve");
        Assert.Equal((VeState.Running, "alpine"), (ok.State, ok.Vms[0].Spec.Image));
    }

    [Fact]
    public async Task A_hypervisor_failure_shows_the_tenant_a_generic_reason_and_logs_the_full_text_for_operators()
    {
        var logs = new CapturedLogs();
        await using var c = await StartAsync(2, logs);
        // The hypervisor refuses the VM's definition on n0 (the only node the fence allows): a copy of that id sits on n1.
        await c.Datacenter.Hypervisors.Single(h => h.Node == "n1").DefineAsync(new VmSpec("alice.web.web1", 1, 512, "debian-12"));

        var view = await c.Grains.GetGrain<IVeGrain>("alice/web").SubmitAsync(new VeSpec("", [new VmSpec("web1", 1, 512, "debian-12")], [new Fence(["web1"], ["n0"])]));

        Assert.Equal(VeState.Pending, view.State);
        var reason = view.Vms[0].Reason!;
        var match = System.Text.RegularExpressions.Regex.Match(reason,
            @"^the hypervisor of node n0 could not start the VM \(error id (\d+)\); operators have the details in the silo log$");
        Assert.True(match.Success, reason);
        Assert.DoesNotContain("already exists", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(view.Transitions, t => t.Reason.Contains("already exists", StringComparison.Ordinal));
        Assert.DoesNotContain("already exists", view.Reason ?? "", StringComparison.Ordinal);

        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var logged = Assert.Single(logs.Entries, e => e.Fields.TryGetValue("ErrorId", out var v) && v is long l && l == id);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("AlreadyExists: [n0] define 'alice.web.web1': a VM with that id already exists on n1", logged.Fields["HypervisorError"]);
        Assert.Equal(("alice/web", "alice.web.web1", "n0"), (logged.Fields["Ve"], logged.Fields["Vm"], logged.Fields["Node"]));
    }
}
