using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Model;
using Discovery.Tests.Support;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>The project's libvirt binding against libvirt's real built-in test driver (no mock, no daemon).</summary>
public sealed class LibvirtHypervisorTests : IDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(20);
    private readonly TestNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    private static VmSpec Vm(string id, int vcpus = 2, int memoryMiB = 512) => new(id, vcpus, memoryMiB, "cirros");

    [SkippableFact]
    public async Task Default_test_connection_lists_its_running_domain_and_node_info()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("default", "test:///default");

        var host = await h.GetHostInfoAsync();
        Assert.Equal(1600, host.Capacity.Cpu);          // 16 CPUs
        Assert.Equal(3072, host.Capacity.MemoryMiB);    // 3,145,728 KiB

        var vms = await h.ListVmsAsync();
        var test = Assert.Single(vms, v => v.Id == "test");
        Assert.Equal(VmState.Running, test.State);
        Assert.Equal((2, 2048), (test.VCpus, test.MemoryMiB)); // the test driver's built-in domain: 2 vCPUs, 2 GiB current memory
    }

    [SkippableFact]
    public async Task Custom_node_file_gives_its_own_capacity()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a", cpus: 12, memoryMiB: 24576));
        var host = await h.GetHostInfoAsync();
        Assert.Equal(new Resources(1200, 24576), host.Capacity);
        Assert.Equal("pm-a", host.Node);
        Assert.Empty(await h.ListVmsAsync());
    }

    [SkippableFact]
    public async Task Full_lifecycle_define_start_suspend_resume_stop_destroy_undefine()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));

        await h.DefineAsync(Vm("web-1", vcpus: 2, memoryMiB: 512));
        Assert.Equal(VmState.Stopped, await StateOf(h, "web-1"));
        var listed = Assert.Single(await h.ListVmsAsync());
        Assert.Equal(2, listed.VCpus);
        Assert.Equal(512, listed.MemoryMiB);

        await h.StartAsync("web-1");
        Assert.Equal(VmState.Running, await StateOf(h, "web-1"));
        await h.SuspendAsync("web-1");
        Assert.Equal(VmState.Suspended, await StateOf(h, "web-1"));
        await h.ResumeAsync("web-1");
        Assert.Equal(VmState.Running, await StateOf(h, "web-1"));
        await h.StopAsync("web-1");                       // graceful shutdown: the test driver stops at once
        Assert.Equal(VmState.Stopped, await StateOf(h, "web-1"));
        await h.StartAsync("web-1");
        await h.DestroyAsync("web-1");
        Assert.Equal(VmState.Stopped, await StateOf(h, "web-1"));
        await h.UndefineAsync("web-1");
        Assert.Empty(await h.ListVmsAsync());
    }

    [SkippableFact]
    public async Task Lifecycle_events_arrive_through_the_event_loop()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        var seen = new List<VmLifecycleEvent>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.LifecycleChanged += e =>
        {
            lock (seen) seen.Add(e);
            if (e is { VmId: "ev-1", Kind: VmLifecycleKind.Started }) started.TrySetResult();
            if (e is { VmId: "ev-1", Kind: VmLifecycleKind.Stopped }) stopped.TrySetResult();
        };

        await h.DefineAsync(Vm("ev-1"));
        await h.StartAsync("ev-1");
        await started.Task.WaitAsync(EventWait);
        await h.DestroyAsync("ev-1");
        await stopped.Task.WaitAsync(EventWait);

        lock (seen)
        {
            Assert.All(seen, e => Assert.Equal("pm-a", e.Node));
            Assert.Contains(seen, e => e.Kind == VmLifecycleKind.Defined);
        }
    }

    [SkippableFact]
    public async Task Bad_uri_is_a_typed_error_and_the_process_keeps_running()
    {
        Requires.Libvirt();
        var e = await Assert.ThrowsAnyAsync<LibvirtException>(() => LibvirtHypervisor.OpenAsync("ghost", "bogus:///nowhere"));
        Assert.Equal("ghost", e.Node);
        Assert.True(e.Kind == HypervisorErrorKind.ConnectionFailed, e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.LibvirtMessage));
        Assert.Contains("open", e.Message);

        // Still usable afterwards.
        await using var h = await LibvirtHypervisor.OpenAsync("default", "test:///default");
        Assert.NotEmpty(await h.ListVmsAsync());
    }

    [SkippableFact]
    public async Task Missing_node_file_is_a_typed_error()
    {
        Requires.Libvirt();
        var e = await Assert.ThrowsAnyAsync<LibvirtException>(() => LibvirtHypervisor.OpenAsync("ghost", "test:///no/such/node-file.xml"));
        Assert.Contains("no/such/node-file.xml", e.Message);
        Assert.Equal(HypervisorErrorKind.ConnectionFailed, e.Kind);
    }

    [SkippableFact]
    public async Task Unknown_domain_is_not_found()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        var e = await Assert.ThrowsAsync<LibvirtException>(() => h.StartAsync("nobody"));
        Assert.Equal(HypervisorErrorKind.NotFound, e.Kind);
        Assert.Equal(42, e.Code); // VIR_ERR_NO_DOMAIN
        Assert.Contains("nobody", e.Message);
    }

    [SkippableFact]
    public async Task Bad_xml_is_an_invalid_definition()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        var e = await Assert.ThrowsAsync<LibvirtException>(() => h.DefineXmlAsync("broken", "<domain type='test'><name>broken</name"));
        Assert.Equal(HypervisorErrorKind.InvalidDefinition, e.Kind);
        Assert.Equal(35, e.Code); // VIR_ERR_XML_DETAIL
        Assert.Empty(await h.ListVmsAsync());
    }

    [SkippableFact]
    public async Task Defining_a_duplicate_is_refused()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        await h.DefineAsync(Vm("dup"));
        var e = await Assert.ThrowsAnyAsync<HypervisorException>(() => h.DefineAsync(Vm("dup")));
        Assert.Equal(HypervisorErrorKind.AlreadyExists, e.Kind);
    }

    [SkippableFact]
    public async Task Invalid_transition_is_an_invalid_state()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        await h.DefineAsync(Vm("idle"));
        var e = await Assert.ThrowsAsync<LibvirtException>(() => h.SuspendAsync("idle"));
        // The test driver reports this as an internal error (code 1); QEMU says OPERATION_INVALID (55).
        Assert.Contains("not running", e.LibvirtMessage);
        Assert.Contains("suspend 'idle'", e.Message);
    }

    [SkippableFact]
    public async Task Migration_between_two_test_hosts_falls_back_to_redefine()
    {
        Requires.Libvirt();
        await using var a = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        await using var b = await LibvirtHypervisor.OpenAsync("pm-b", _nodes.Create("pm-b"));
        await a.DefineAsync(Vm("mover", vcpus: 1, memoryMiB: 256));
        await a.StartAsync("mover");

        var outcome = await a.MigrateAsync("mover", b);

        Assert.Equal(MigrationMode.RedefineFallback, outcome.Mode);
        Assert.Equal(("pm-a", "pm-b"), (outcome.From, outcome.To));
        Assert.DoesNotContain(await a.ListVmsAsync(), v => v.Id == "mover");
        var landed = Assert.Single(await b.ListVmsAsync(), v => v.Id == "mover");
        Assert.Equal(VmState.Running, landed.State);
        Assert.Equal(256, landed.MemoryMiB);
    }

    [SkippableFact]
    public async Task Failed_fallback_loses_nothing_on_the_source()
    {
        Requires.Libvirt();
        await using var a = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        await using var b = await LibvirtHypervisor.OpenAsync("pm-b", _nodes.Create("pm-b"));
        await a.DefineAsync(Vm("twin"));
        await b.DefineAsync(Vm("twin")); // the destination already has a VM of that name

        await Assert.ThrowsAnyAsync<HypervisorException>(() => a.MigrateAsync("twin", b));
        Assert.Contains(await a.ListVmsAsync(), v => v.Id == "twin");
    }

    [SkippableFact]
    public async Task Calls_on_a_closed_connection_fail_cleanly()
    {
        Requires.Libvirt();
        var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"));
        await h.DisposeAsync();
        var e = await Assert.ThrowsAnyAsync<HypervisorException>(() => h.ListVmsAsync());
        Assert.Equal(HypervisorErrorKind.ConnectionFailed, e.Kind);
    }

    private static async Task<VmState> StateOf(IHypervisor h, string vm) =>
        (await h.ListVmsAsync()).Single(v => v.Id == vm).State;
}
