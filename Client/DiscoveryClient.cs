using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Validation;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Discovery.Client;

/// <summary>
/// The .NET client library of Discovery: connects to a cluster and reads or acts on its nodes.
/// Dispose it to close the connection.
/// </summary>
/// <example>
/// <code>
/// await using var discovery = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions());
/// var node = await discovery.GetNodeAsync("node-0001");
/// await discovery.DrainAsync("node-0001");
/// </code>
/// </example>
public sealed partial class DiscoveryClient : IAsyncDisposable
{
    private readonly IHost? _host;
    private readonly TimeProvider _time;
    private readonly string? _token;

    private DiscoveryClient(IHost? host, IClusterClient cluster, TimeProvider? time = null, string? token = null)
    {
        _host = host;
        Cluster = cluster;
        _time = time ?? TimeProvider.System;
        _token = token;
    }

    /// <summary>A client over an Orleans client the caller already runs (and disposes): a host with its own Orleans client, or a test cluster.</summary>
    public static DiscoveryClient FromCluster(IClusterClient cluster) => new(null, cluster);

    /// <summary>
    /// A client over the same connection whose calls carry <paramref name="token"/> (null: none), e.g. one per HTTP request
    /// acting for its caller. Disposing it does not close the connection.
    /// </summary>
    public DiscoveryClient WithToken(string? token) => new(null, Cluster, _time, token);

    /// <summary>
    /// As <see cref="FromCluster(IClusterClient)"/>, timing its waits (<see cref="WaitForVeAsync"/>'s timeout and polls) on
    /// <paramref name="time"/>: a fake clock in tests.
    /// </summary>
    public static DiscoveryClient FromCluster(IClusterClient cluster, TimeProvider time) => new(null, cluster, time);

    /// <summary>The underlying Orleans client, for grains this library does not wrap yet.</summary>
    public IClusterClient Cluster { get; }

    /// <summary>Connects; throws with the gateway or database it tried when no silo answers.</summary>
    public static async Task<DiscoveryClient> ConnectAsync(DiscoveryClientOptions options, CancellationToken cancellationToken = default)
    {
        var certificates = Certificates(options);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // The application owns Ctrl+C and SIGTERM: the default console lifetime would take them for this inner host.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.UseOrleansClient(client =>
        {
            if (options.PostgreSqlConnectionString is null && options.Gateways.Count > 0)
            {
                client.UseStaticClustering([.. options.Gateways.Select(Endpoint)]);
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
            }
            else if (options.PostgreSqlConnectionString is null)
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }
            else
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.PostgreSqlConnectionString;
                });
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
            }
            if (certificates is not null) client.UseTls(certificates.Apply);
        });
        var host = builder.Build();
        var where = options.PostgreSqlConnectionString is not null ? "the PostgreSQL membership table"
            : options.Gateways.Count > 0 ? $"gateways {string.Join(", ", options.Gateways)}"
            : $"localhost gateway port {options.GatewayPort}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            // Orleans keeps retrying a gateway that does not answer: the timeout bounds the wait.
            await host.StartAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new DiscoveryUnavailableException(
                $"no Discovery silo answered on {where} within {options.ConnectTimeout.TotalSeconds:0} s (cluster '{options.ClusterId}'): is one running?");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new DiscoveryUnavailableException($"cannot connect to a silo on {where} (cluster '{options.ClusterId}'): {e.Message}", e);
        }
        return new DiscoveryClient(host, host.Services.GetRequiredService<IClusterClient>(), token: options.Token is "" ? null : Security.DiscoveryHome.FindToken(options.Token));
    }

    /// <summary>The TLS certificates the options name, or null for plain TCP; throws a <see cref="DiscoveryException"/> naming the option or the file that is wrong.</summary>
    private static ClusterCertificates? Certificates(DiscoveryClientOptions options)
    {
        if (options.TlsCertificateFile is null && options.TlsCaFile is null && options.TlsKeyFile is null) return null;
        if (options.TlsCertificateFile is null || options.TlsCaFile is null)
            throw new DiscoveryException($"TLS needs both {nameof(options.TlsCertificateFile)} and {nameof(options.TlsCaFile)} (and {nameof(options.TlsKeyFile)} unless the certificate file holds the key)");
        try
        {
            return ClusterCertificates.Load(options.TlsCertificateFile, options.TlsKeyFile, options.TlsCaFile);
        }
        catch (InvalidDataException e)
        {
            throw new DiscoveryException($"TLS: {e.Message}", e);
        }
    }

    /// <summary>A <c>host:port</c> gateway (a name is resolved now); throws naming the bad entry.</summary>
    private static System.Net.IPEndPoint Endpoint(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"gateway '{gateway}' is not host:port (e.g. 127.0.0.1:30000)", nameof(DiscoveryClientOptions.Gateways));
        var host = gateway[..colon];
        var address = System.Net.IPAddress.TryParse(host, out var ip) ? ip : System.Net.Dns.GetHostAddresses(host).First();
        return new System.Net.IPEndPoint(address, port);
    }

    /// <summary>Capacity, VMs and demand of a node, read from its hypervisor now.</summary>
    public Task<NodeSnapshot> GetNodeAsync(string node, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.GetGrain<INodeGrain>(node).GetSnapshotAsync(), cancellationToken);

    /// <summary>A node's reservation, pending event and last snapshot.</summary>
    public Task<NodeStatus> GetNodeStatusAsync(string node, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.GetGrain<INodeGrain>(node).GetStatusAsync(), cancellationToken);

    /// <summary>Puts a node in maintenance: Discovery migrates its VMs away (a partition per drain).</summary>
    public Task DrainAsync(string node, CancellationToken cancellationToken = default) =>
        Call(async () => { await Cluster.GetGrain<INodeGrain>(node).SetMaintenanceAsync(true); return 0; }, cancellationToken);

    /// <summary>Takes a node out of maintenance.</summary>
    public Task CancelDrainAsync(string node, CancellationToken cancellationToken = default) =>
        Call(async () => { await Cluster.GetGrain<INodeGrain>(node).SetMaintenanceAsync(false); return 0; }, cancellationToken);

    /// <summary>Fault injection (simulated hypervisor only; <see cref="NotSupportedException"/> on libvirt): VM <paramref name="vmId"/> on <paramref name="node"/> crashes.</summary>
    public Task CrashVmAsync(string node, string vmId, CancellationToken cancellationToken = default) =>
        Call(async () => { await Cluster.GetGrain<INodeFaults>(node).CrashVmAsync(vmId); return 0; }, cancellationToken);

    /// <summary>Fault injection (simulated hypervisor only): VM <paramref name="vmId"/> crashes, on the node that runs it now.</summary>
    /// <exception cref="DiscoveryNotFoundException">No node runs it.</exception>
    public async Task CrashVmAsync(string vmId, CancellationToken cancellationToken = default) =>
        await CrashVmAsync(await HostOfVmAsync(vmId, cancellationToken), vmId, cancellationToken);

    /// <summary>The node that runs VM <paramref name="vmId"/> (its hypervisor id: <c>tenant.ve.vm</c> for a VE's VM), as the nodes last reported.</summary>
    /// <exception cref="DiscoveryNotFoundException">No node runs it.</exception>
    public async Task<string> HostOfVmAsync(string vmId, CancellationToken cancellationToken = default) =>
        (await ListNodesAsync(cancellationToken)).FirstOrDefault(n => n.LastSnapshot?.Vms.Any(v => v.Id == vmId && v.Host == n.Node) == true)?.Node
            ?? throw new DiscoveryNotFoundException($"no node runs VM '{vmId}' (VM ids of VEs are tenant.ve.vm)");

    /// <summary>Fault injection (simulated hypervisor only): <paramref name="node"/>'s hypervisor becomes unreachable; past the grace period the node is marked down.</summary>
    public Task CrashNodeAsync(string node, CancellationToken cancellationToken = default) =>
        Call(async () => { await Cluster.GetGrain<INodeFaults>(node).CrashNodeAsync(); return 0; }, cancellationToken);

    /// <summary>Fault injection (simulated hypervisor only): a node crashed by <see cref="CrashNodeAsync"/> is reachable again, with the VMs it had.</summary>
    public Task RecoverNodeAsync(string node, CancellationToken cancellationToken = default) =>
        Call(async () => { await Cluster.GetGrain<INodeFaults>(node).RecoverNodeAsync(); return 0; }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is null) return; // the caller's Orleans client
        try { await _host.StopAsync(); }
        finally { _host.Dispose(); }
    }

    // ---- VEs ----

    /// <summary>
    /// Submits VE <paramref name="ve"/> (<c>tenant/name</c>) written in the VE language; <paramref name="file"/> names
    /// the text in errors. Returns the VE Running, or Pending with the reason.
    /// </summary>
    /// <exception cref="DiscoveryInvalidInputException">Every error of the text, each with its line and column.</exception>
    /// <exception cref="DiscoveryConflictException">The VE already exists.</exception>
    public Task<VeView> SubmitAsync(string ve, string text, string file = "ve", CancellationToken cancellationToken = default) =>
        Call(() => Cluster.GetGrain<IVeGrain>(ve).SubmitTextAsync(text, file), cancellationToken);

    /// <summary>Submits VE <paramref name="ve"/> from a spec (VM names are the VE's own; constraints name them).</summary>
    /// <exception cref="DiscoveryInvalidInputException">Every problem of the spec, each naming its field.</exception>
    /// <exception cref="DiscoveryConflictException">The VE already exists.</exception>
    public Task<VeView> SubmitAsync(string ve, VeSpec spec, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.GetGrain<IVeGrain>(ve).SubmitAsync(spec), cancellationToken);

    /// <summary>
    /// Submits VE <paramref name="ve"/> from text (as <see cref="SubmitAsync(string, string, string, CancellationToken)"/>), then
    /// waits while it is Pending (as <see cref="WaitForVeAsync"/>). <paramref name="progress"/> gets the submitted VE first, then
    /// each change.
    /// </summary>
    /// <returns>The VE once it is no longer Pending: Running, or the state it ended in.</returns>
    /// <exception cref="DiscoveryInvalidInputException">Every error of the text, each with its line and column.</exception>
    /// <exception cref="DiscoveryConflictException">The VE already exists.</exception>
    /// <exception cref="VeWaitTimeoutException">Still Pending after <paramref name="timeout"/> (the VE stays submitted).</exception>
    public async Task<VeView> SubmitAndWaitAsync(string ve, string text, string file = "ve", IProgress<VeView>? progress = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = CheckTimeout(timeout);
        var submitted = await SubmitAsync(ve, text, file, cancellationToken);
        progress?.Report(submitted);
        return submitted.State == VeState.Pending ? await WaitAsync(ve, submitted, progress, limit, cancellationToken) : submitted;
    }

    // The longest a timer takes (about 49.7 days); a longer timeout waits without one.
    private static readonly TimeSpan MaxVeWaitTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>How long <see cref="WaitForVeAsync"/> and <see cref="SubmitAndWaitAsync"/> wait when given no timeout.</summary>
    public static readonly TimeSpan DefaultVeWaitTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often <see cref="WaitForVeAsync"/> reads the VE besides reading it on each of its transitions: a VE that stays
    /// Pending publishes no transition when only its reason changes.
    /// </summary>
    public static readonly TimeSpan VeWaitPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits while VE <paramref name="ve"/> is Pending and returns it once it is not: Running, or a state it will not leave by
    /// itself (Stopped, Suspended, Failed, Deleted); the caller checks <see cref="VeView.State"/>. It follows the cluster's
    /// event stream, reading the VE on each of its transitions and every <see cref="VeWaitPollInterval"/>, so no change
    /// is missed and none is late.
    /// </summary>
    /// <param name="ve">The VE, <c>tenant/name</c>.</param>
    /// <param name="progress">
    /// Gets the VE as first read, then each time its state, its reason, or a VM's state, host or reason changes (not every
    /// read). Called on the waiting task, in order: <see cref="InlineProgress{T}"/> keeps that order, a <see cref="Progress{T}"/> posts to a UI's context.
    /// </param>
    /// <param name="timeout"><see cref="DefaultVeWaitTimeout"/> when null; <see cref="Timeout.InfiniteTimeSpan"/> waits until cancelled.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The VE once it is no longer Pending.</returns>
    /// <exception cref="DiscoveryNotFoundException">No such VE.</exception>
    /// <exception cref="VeWaitTimeoutException">Still Pending after <paramref name="timeout"/>; it carries the last view and the VE stays submitted.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than infinite).</exception>
    public Task<VeView> WaitForVeAsync(string ve, IProgress<VeView>? progress = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitAsync(ve, null, progress, CheckTimeout(timeout), cancellationToken);

    private static TimeSpan CheckTimeout(TimeSpan? timeout) => timeout switch
    {
        null => DefaultVeWaitTimeout,
        { } t when t == Timeout.InfiniteTimeSpan => t,
        { } t when t > TimeSpan.Zero => t < MaxVeWaitTimeout ? t : Timeout.InfiniteTimeSpan, // past a timer's range: no deadline
        { } t => throw new ArgumentOutOfRangeException(nameof(timeout), t, "a wait's timeout must be positive (or Timeout.InfiniteTimeSpan)"),
    };

    /// <summary>The wait; <paramref name="reported"/>: the view the caller's progress has already seen (not reported again).</summary>
    private async Task<VeView> WaitAsync(string ve, VeView? reported, IProgress<VeView>? progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var expiry = new CancellationTokenSource(timeout, _time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        using var stopWatching = new CancellationTokenSource();
        // Woken by the VE's own transitions; one pending signal is enough, since each wake reads the whole VE.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = WatchVeAsync(ve, wake.Writer, subscribed, stopWatching.Token);
        var last = reported;
        void See(VeView view)
        {
            if (last is null || Changed(last, view)) progress?.Report(view);
            last = view;
        }
        try
        {
            // Read only once subscribed: a transition between the read and the subscription would otherwise be missed.
            await subscribed.Task.WaitAsync(waiting.Token);
            while (true)
            {
                See(await GetVeAsync(ve, waiting.Token));
                if (last!.State != VeState.Pending) return last;
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(waiting.Token);
                var poll = Task.Delay(VeWaitPollInterval, _time, tick.Token);
                await Task.WhenAny(wake.Reader.WaitToReadAsync(tick.Token).AsTask(), poll);
                await tick.CancelAsync(); // the loser's timer or channel waiter goes now
                waiting.Token.ThrowIfCancellationRequested();
                wake.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // One last read: a VE that got there just as the time ran out is returned, not reported as late.
            See(await GetVeAsync(ve, cancellationToken));
            if (last!.State != VeState.Pending) return last;
            throw new VeWaitTimeoutException(last, timeout);
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching;
        }
    }

    /// <summary>Signals <paramref name="wake"/> on each transition of <paramref name="ve"/>; a stream that fails leaves the wait to its polls.</summary>
    private async Task WatchVeAsync(string ve, ChannelWriter<bool> wake, TaskCompletionSource subscribed, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in WatchAllAsync(announceSubscription: true, cancellationToken))
            {
                if (item is WatchSubscribed) subscribed.TrySetResult();
                else if (item is WatchLagged) { subscribed.TrySetResult(); wake.TryWrite(true); } // the VE's own transition may be among those dropped
                else if (item is VeTransition t && t.Ve == ve) wake.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception) { /* no event hub: the polls still see every change, a poll interval late at most */ }
        finally { subscribed.TrySetResult(); }
    }

    /// <summary>Whether <paramref name="after"/> differs from <paramref name="before"/> in what a wait reports: the VE's state and reason, each VM's state, host and reason.</summary>
    private static bool Changed(VeView before, VeView after) =>
        before.State != after.State || before.Reason != after.Reason ||
        !before.Vms.Select(v => (v.Name, v.State, v.Host, v.Reason)).SequenceEqual(after.Vms.Select(v => (v.Name, v.State, v.Host, v.Reason)));

    /// <summary>The VE with its VMs, states, hosts, constraints and last transitions.</summary>
    /// <exception cref="DiscoveryNotFoundException">No such VE.</exception>
    public Task<VeView> GetVeAsync(string ve, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.GetGrain<IVeGrain>(ve).GetAsync(), cancellationToken);

    /// <summary>Every VE with its state, ordered by key; <paramref name="tenant"/> null for all tenants.</summary>
    public Task<ImmutableArray<VeSummary>> ListVesAsync(string? tenant = null, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.VeDirectory().ListAsync(tenant), cancellationToken);

    /// <summary>Starts a stopped or failed VE (nothing to do when it runs).</summary>
    public Task<VeView> StartAsync(string ve, CancellationToken cancellationToken = default) => Call(() => Cluster.GetGrain<IVeGrain>(ve).StartAsync(), cancellationToken);

    /// <summary>Stops every VM of the VE (nothing to do when it is stopped).</summary>
    public Task<VeView> StopAsync(string ve, CancellationToken cancellationToken = default) => Call(() => Cluster.GetGrain<IVeGrain>(ve).StopAsync(), cancellationToken);

    /// <summary>Pauses every VM of a running VE.</summary>
    public Task<VeView> SuspendAsync(string ve, CancellationToken cancellationToken = default) => Call(() => Cluster.GetGrain<IVeGrain>(ve).SuspendAsync(), cancellationToken);

    /// <summary>Resumes a suspended VE.</summary>
    public Task<VeView> ResumeAsync(string ve, CancellationToken cancellationToken = default) => Call(() => Cluster.GetGrain<IVeGrain>(ve).ResumeAsync(), cancellationToken);

    /// <summary>Destroys and forgets every VM of the VE and its constraints.</summary>
    public Task<VeView> DeleteAsync(string ve, CancellationToken cancellationToken = default) => Call(() => Cluster.GetGrain<IVeGrain>(ve).DeleteAsync(), cancellationToken);

    // ---- nodes ----

    /// <summary>Every node of the cluster with its reservation, maintenance, down flag and last snapshot, in name order.</summary>
    public async Task<IReadOnlyList<NodeStatus>> ListNodesAsync(CancellationToken cancellationToken = default)
    {
        var directory = Cluster.NodeDirectory();
        var names = (await Call(() => directory.NodesAsync(), cancellationToken)).Concat(await Call(() => directory.DownAsync(), cancellationToken))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        // Fail: a listing with holes would pass for the whole cluster; the caller gets the typed error instead.
        return await Call(() => FanOut.AllAsync(names, n => Cluster.GetGrain<INodeGrain>(n).GetStatusAsync()), cancellationToken);
    }

    /// <summary>Whether the cluster knows <paramref name="node"/>: it joined, or it is marked down. Asks no node grain.</summary>
    public Task<bool> IsKnownNodeAsync(string node, CancellationToken cancellationToken = default) =>
        Call(() => Cluster.NodeDirectory().IsKnownAsync(node), cancellationToken);

    // ---- events ----

    /// <summary>
    /// Every VE and VM transition from now on, on any silo, until <paramref name="cancellationToken"/> is
    /// cancelled (the subscription is renewed every 30 s and removed at the end).
    /// </summary>
    public IAsyncEnumerable<VeTransition> WatchAsync(CancellationToken cancellationToken = default) =>
        WatchAllAsync(cancellationToken).OfType<VeTransition>();

    /// <summary>Every scheduling event from now on: each DVMS partition that ends, with its outcome (as <see cref="WatchAsync"/>).</summary>
    public IAsyncEnumerable<PartitionNotice> WatchSchedulingAsync(CancellationToken cancellationToken = default) =>
        WatchAllAsync(cancellationToken).OfType<PartitionNotice>();

    /// <summary>
    /// Items a watch holds for a slow reader before dropping the oldest (<see cref="WatchBuffer.DefaultCapacity"/>): the
    /// reader then gets a <see cref="WatchLagged"/> with the count where they were.
    /// </summary>
    public int WatchCapacity { get; set; } = WatchBuffer.DefaultCapacity;

    /// <summary>
    /// VE transitions, scheduling events and (for operators) audited calls in the order they arrive: <see cref="VeTransition"/>,
    /// <see cref="PartitionNotice"/> or <see cref="Security.AuditEntry"/>, and <see cref="WatchLagged"/> where events were dropped
    /// because the reader fell <see cref="WatchCapacity"/> items behind. A tenant receives its own VEs' transitions only.
    /// </summary>
    /// <exception cref="DiscoveryUnavailableException">The event hub has as many watchers as it allows.</exception>
    public IAsyncEnumerable<object> WatchAllAsync(CancellationToken cancellationToken = default) => WatchAllAsync(false, cancellationToken);

    /// <summary>
    /// As <see cref="WatchAllAsync(CancellationToken)"/>; with <paramref name="announceSubscription"/>, the first item is a
    /// <see cref="WatchSubscribed"/>, yielded once the subscription is registered: no event published after it is missed.
    /// </summary>
    public async IAsyncEnumerable<object> WatchAllAsync(bool announceSubscription, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new WatchBuffer(WatchCapacity);
        var observer = new BufferObserver(buffer);
        var reference = Cluster.CreateObjectReference<IVeEventObserver>(observer);
        var hub = Cluster.EventHub();
        try
        {
            await Call(async () => { await hub.SubscribeAsync(reference); return 0; }, cancellationToken);
        }
        catch (WatchRefusedException e)
        {
            Cluster.DeleteObjectReference<IVeEventObserver>(reference);
            throw new DiscoveryUnavailableException(e.Message, e);
        }
        catch (DiscoveryException)
        {
            Cluster.DeleteObjectReference<IVeEventObserver>(reference);
            throw;
        }
        if (announceSubscription) buffer.Add(new WatchSubscribed(DateTimeOffset.UtcNow));
        using var renewal = new PeriodicTimer(TimeSpan.FromSeconds(30));
        var renew = Task.Run(async () =>
        {
            // A failed renewal (the hub's silo restarting) is retried at the next tick: the subscription must not lapse for good.
            try
            {
                while (await renewal.WaitForNextTickAsync(cancellationToken))
                    try { await Call(async () => { await hub.SubscribeAsync(reference); return 0; }, cancellationToken); }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested) { }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in buffer.ReadAllAsync(cancellationToken).WithCancellation(cancellationToken))
                yield return item;
        }
        finally
        {
            renewal.Dispose();
            await renew;
            try { await Call(async () => { await hub.UnsubscribeAsync(reference); return 0; }, CancellationToken.None); } catch (Exception) { /* the cluster may be gone */ }
            Cluster.DeleteObjectReference<IVeEventObserver>(reference);
            // Orleans holds an observer weakly: without this, a collection during a quiet watch took it, and every later event
            // was dropped ("has been garbage collected") while the watch waited on for ever.
            GC.KeepAlive(observer);
        }
    }

    /// <summary>A host lifetime that leaves the process's signals alone: the client's host starts and stops when told.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class BufferObserver(WatchBuffer buffer) : IVeEventObserver
    {
        public void OnTransition(VeTransition transition) => buffer.Add(transition);

        public void OnPartition(PartitionNotice notice) => buffer.Add(notice);

        public void OnAudit(Security.AuditEntry entry) => buffer.Add(entry);
    }

    /// <summary>Runs <paramref name="call"/> with this client's token in the request context, mapping what grains throw to the library's typed exceptions.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            if (_token is not null) RequestContext.Set(Security.CallerContext.TokenKey, _token);
            return await call().WaitAsync(cancellationToken);
        }
        catch (Security.AccessDeniedException e)
        {
            throw new DiscoveryAccessDeniedException(e.Message, e.Kind, TimeSpan.FromSeconds(e.RetryAfterSeconds), e);
        }
        catch (InvalidVeTextException e)
        {
            throw new DiscoveryInvalidInputException([.. e.Problems.Select(p => new InputProblem(p.File, p.Line, p.Column, p.Message))], e);
        }
        catch (InvalidSpecException e)
        {
            throw new DiscoveryInvalidInputException([.. e.Problems.Select(p => new InputProblem(p.Field, null, null, p.Message))], e);
        }
        catch (VeRefusedException e) when (e.Kind == VeRefusal.NotFound)
        {
            throw new DiscoveryNotFoundException(e.Message, e);
        }
        catch (VeRefusedException e)
        {
            throw new DiscoveryConflictException(e.Message, e);
        }
        catch (NotSupportedException e)
        {
            throw new DiscoveryNotSupportedException(e.Message, e);
        }
        catch (HypervisorException e) when (e.Kind == HypervisorErrorKind.NotFound)
        {
            throw new DiscoveryNotFoundException(e.Message, e);
        }
        catch (HypervisorException e)
        {
            throw new DiscoveryException(e.Message, e);
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            throw new DiscoveryUnavailableException($"the cluster did not answer: {e.Message}", e);
        }
    }
}
