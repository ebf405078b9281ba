using Discovery.Client;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Client;

/// <summary>
/// <see cref="DiscoveryClient.WaitForVeAsync"/> against an in-process silo with one node, n0 (4 cores, 8 GiB, one VM of 512 MiB):
/// a 4 GiB VE (the hog) runs there, so a second 4 GiB VE is Pending on memory until the hog is deleted.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class VeWaitTests
{
    private const string FourGiB = "w1 : {vcpus: 1, memory: 4GiB, image: \"img\"};";

    /// <summary>Each report as one line: the VE's state and reason, then each VM's name, state, host and reason.</summary>
    private sealed class Recorder : IProgress<VeView>
    {
        private readonly List<string> _seen = [];

        public void Report(VeView value)
        {
            lock (_seen)
                _seen.Add($"{value.State} ({value.Reason ?? "-"}) " + string.Join(", ", value.Vms.Select(v => $"{v.Name} {v.State} {v.Host ?? "-"} {v.Reason ?? "-"}")));
        }

        public List<string> Seen { get { lock (_seen) return [.. _seen]; } }
    }

    private static async Task<(DvmsCluster Cluster, VeView Pending)> StartWithPendingVeAsync()
    {
        var c = await DvmsCluster.StartAsync([Vms(1, 50)]);
        await c.WaitUntilAsync(async () => (await c.Grains.NodeDirectory().NodesAsync()).Length == 1, "n0 in the directory");
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        Assert.Equal(VeState.Running, (await client.SubmitAsync("alice/hog", FourGiB.Replace("w1", "h1"), "hog.ve")).State);
        var pending = await client.SubmitAsync("alice/shop", FourGiB, "shop.ve");
        Assert.Equal(VeState.Pending, pending.State);
        return (c, pending);
    }

    [Fact]
    public async Task Progress_reports_exactly_each_change_of_a_ve_that_goes_from_pending_to_running()
    {
        var (c, pending) = await StartWithPendingVeAsync();
        await using var _ = c;
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        var progress = new Recorder();

        var waiting = client.WaitForVeAsync("alice/shop", progress, Deadline);
        await c.WaitUntilAsync(() => progress.Seen.Count == 1, "the VE as first read");
        await client.DeleteAsync("alice/hog"); // room appears: the pending VE tries again at once
        var running = await waiting;

        Assert.Equal(VeState.Running, running.State);
        Assert.Equal([
            $"Pending ({pending.Reason}) w1 Stopped - -",
            "Running (-) w1 Running n0 -",
        ], progress.Seen);
        Assert.Equal("alice.shop.w1 needs 1 vCPU / 4 GiB; no node has it: memory is short on every one; the roomiest has 14 vCPU / 3.5 GiB free (n0)"
            + " (admission allocates vCPUs up to 4x a node's cores, memory up to 1x its memory)", pending.Reason);
    }

    [Fact]
    public async Task A_wait_that_runs_out_of_time_throws_with_the_last_view_and_what_to_do()
    {
        var (c, pending) = await StartWithPendingVeAsync();
        await using var _ = c;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = DiscoveryClient.FromCluster(c.Cluster.Client, time);
        var progress = new Recorder();

        var waiting = client.WaitForVeAsync("alice/shop", progress, TimeSpan.FromSeconds(2));
        await c.WaitUntilAsync(() => progress.Seen.Count == 1, "the VE as first read");
        time.Advance(TimeSpan.FromSeconds(2));
        var e = await Assert.ThrowsAsync<VeWaitTimeoutException>(() => waiting);

        Assert.Equal($"VE alice/shop still Pending after 2 s: {pending.Reason}. It stays submitted and starts as soon as room appears: wait again, or delete it to give up.", e.Message);
        Assert.Equal((VeState.Pending, pending.Reason, TimeSpan.FromSeconds(2)), (e.LastView.State, e.LastView.Reason, e.Timeout));
        Assert.Single(progress.Seen); // nothing changed while waiting
        Assert.Equal(VeState.Pending, (await client.GetVeAsync("alice/shop")).State); // still submitted
    }

    [Fact]
    public async Task A_wait_ends_on_a_state_the_ve_will_not_leave_by_itself_and_on_the_caller_s_token()
    {
        var (c, _) = await StartWithPendingVeAsync();
        await using var cluster = c;
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        var progress = new Recorder();

        var waiting = client.WaitForVeAsync("alice/shop", progress, Timeout.InfiniteTimeSpan);
        await c.WaitUntilAsync(() => progress.Seen.Count == 1, "the VE as first read");
        await client.StopAsync("alice/shop");
        Assert.Equal(VeState.Stopped, (await waiting).State);
        Assert.Equal("Stopped (-) w1 Stopped - -", progress.Seen[^1]);

        Assert.Equal(VeState.Running, (await client.WaitForVeAsync("alice/hog")).State); // not pending: at once
        Assert.Equal(VeState.Stopped, (await client.WaitForVeAsync("alice/shop")).State);
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.WaitForVeAsync("alice/none"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.WaitForVeAsync("alice/shop", timeout: TimeSpan.Zero));

        await client.StartAsync("alice/shop"); // no room again: Pending
        using var cancel = new CancellationTokenSource();
        var cancelled = client.WaitForVeAsync("alice/shop", cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Fact]
    public async Task Submit_and_wait_reports_the_submitted_ve_then_each_change()
    {
        var (c, _) = await StartWithPendingVeAsync();
        await using var cluster = c;
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        var progress = new Recorder();

        var running = await client.SubmitAndWaitAsync("alice/small", "s1 : tiny;", "small.ve", progress);
        Assert.Equal(VeState.Running, running.State);
        Assert.Equal(["Running (-) s1 Running n0 -"], progress.Seen);
    }
}
