using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Discovery.Overlay;

/// <summary>
/// This silo's view of the cluster-wide overlay: its own nodes at once, every other silo's from the node
/// directory, refreshed every <see cref="RefreshPeriod"/> (one call that returns nothing while the directory
/// has not changed), and Orleans' membership, which drops the nodes of a silo the moment it is declared
/// dead. No coordinator is on the hot path: a growing partition reads <see cref="Current"/>, a local object.
/// When a silo dies, the oldest live silo activates the dead silo's node grains, which then stand in for
/// their nodes and report them unreachable, then down (see NodeGrain), until their silo returns.
/// </summary>
public sealed class ClusterOverlay(
    HypervisorDirectory local,
    SiteDistances distances,
    IGrainFactory grains,
    DirectoryEntries entries,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    DvmsOptions options,
    ILogger<ClusterOverlay> logger) : IOverlay, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How often a silo asks the node directory whether nodes joined or left.</summary>
    public static TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    private volatile OverlayMap? _current;
    private OverlayView? _view;
    private volatile ImmutableHashSet<string> _dead = ImmutableHashSet.Create<string>(StringComparer.Ordinal); // parsable addresses
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public OverlayMap Current => _current ?? Rebuild();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterOverlay), ServiceLifecycleStage.Active, StartAsync, async _ => await _stop.CancelAsync());

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(WatchMembershipAsync);
        _ = Task.Run(RefreshLoopAsync);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads the node directory now (also what the loop does every period). One read at a time: an answer that left the
    /// directory before a change must not land after a newer one and hide the change until the next period.
    /// A view that lacks a node this silo joined means the directory forgot it: it is told again at once.
    /// </summary>
    public async Task RefreshAsync()
    {
        await _refreshing.WaitAsync();
        try
        {
            var directory = grains.NodeDirectory();
            var view = await directory.OverlayAsync(_view?.Version ?? 0);
            if (view is null) return;
            lock (_gate) _view = view;
            Rebuild();
            var missing = entries.MissingFrom(view);
            if (missing.IsEmpty) return;
            logger.LogWarning("Overlay: the node directory lacks {Count} node(s) this silo joined ({Nodes}); announcing them again",
                missing.Length, string.Join(", ", missing.Take(8).Select(n => n.Node)) + (missing.Length > 8 ? ", ..." : ""));
            await directory.AnnounceAsync(missing);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await RefreshAsync(); }
            catch (Exception e) when (e is not OperationCanceledException) { logger.LogDebug(e, "Overlay: node directory not read; trying again"); }
            try { await Task.Delay(RefreshPeriod, _stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task WatchMembershipAsync()
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress.ToParsableString())
                    .ToImmutableHashSet(StringComparer.Ordinal);
                var newlyDead = dead.Except(_dead);
                _dead = dead;
                if (newlyDead.Count > 0)
                {
                    var gone = Rebuild(newlyDead);
                    logger.LogWarning("Overlay: silo(s) {Silos} dead, their {Count} node(s) left the overlay", string.Join(", ", newlyDead), gone.Count);
                }
                // The oldest live silo has the node grains of every dead silo activated (again: a stand-in that lived on a
                // silo that died since is needed anew); they report their nodes unreachable, then down.
                var oldest = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).MinBy(m => (m.SiloAddress.Generation, m.SiloAddress.ToParsableString()));
                if (!dead.IsEmpty && oldest?.SiloAddress.Equals(silo.SiloAddress) == true && !await StandInForAsync(dead))
                    StartStandInRetries();
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { logger.LogError(e, "Overlay: membership watch stopped"); }
    }

    /// <summary>
    /// Activates the node grain of every node, not yet down, whose silo is in <paramref name="dead"/>, read fresh from the directory.
    /// False when the directory could not be read or some stand-in could not be activated (the call raced the cleanup of the dead
    /// silo's grain registrations, for one): those must be tried again, since a node nobody stands in for is never marked down,
    /// and the VMs of VEs on it are never placed again.
    /// </summary>
    private async Task<bool> StandInForAsync(ImmutableHashSet<string> dead)
    {
        try
        {
            var view = await grains.NodeDirectory().OverlayAsync(0);
            var orphans = (view?.Nodes ?? []).Where(n => n.Silo is { } s && dead.Contains(s) && !local.Contains(n.Node)).Select(n => n.Node).ToList();
            // Skip: a node whose stand-in does not come up must not keep the others' from activating; it is logged and tried again.
            var missed = await FanOut.FailedAsync(orphans, node => grains.GetGrain<INodeGrain>(node).GetStatusAsync(),
                (node, e) => logger.LogDebug(e, "Overlay: no stand-in for node {Node} yet", node), options.FanOutWidth);
            if (missed.Count == 0) return true;
            logger.LogWarning("Overlay: {Count} of the dead silos' {Total} node(s) have no stand-in yet; trying again in {Seconds} s",
                missed.Count, orphans.Count, StandInRetryPeriod.TotalSeconds);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Overlay: the dead silos' nodes could not be listed; trying again in {Seconds} s", StandInRetryPeriod.TotalSeconds);
            return false;
        }
    }

    /// <summary>How long the oldest silo waits before it tries again the stand-ins it could not activate.</summary>
    public static readonly TimeSpan StandInRetryPeriod = TimeSpan.FromSeconds(1);

    private int _retryingStandIns;
    private int _standInsWanted; // set by every failed round: a loop ending on an older round's success must not lose it

    /// <summary>
    /// Tries the stand-ins again every <see cref="StandInRetryPeriod"/> until every dead silo's node has one (one loop at a
    /// time). A failure reported while the loop runs (another silo died meanwhile) keeps it going even when the round
    /// under way succeeds.
    /// </summary>
    private void StartStandInRetries()
    {
        Volatile.Write(ref _standInsWanted, 1);
        if (Interlocked.Exchange(ref _retryingStandIns, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                while (Interlocked.Exchange(ref _standInsWanted, 0) == 1)
                {
                    do await Task.Delay(StandInRetryPeriod, _stop.Token);
                    while (!_dead.IsEmpty && !await StandInForAsync(_dead));
                }
            }
            catch (OperationCanceledException) { return; }
            finally { Volatile.Write(ref _retryingStandIns, 0); }
            if (Volatile.Read(ref _standInsWanted) == 1) StartStandInRetries(); // asked for between the last check and the flag's reset
        });
    }

    private OverlayMap Rebuild()
    {
        Rebuild(ImmutableHashSet<string>.Empty);
        return _current!;
    }

    /// <summary>Builds the overlay again; returns the nodes of <paramref name="newlyDead"/> silos that left it.</summary>
    private List<string> Rebuild(ImmutableHashSet<string> newlyDead)
    {
        var gone = new List<string>();
        lock (_gate)
        {
            var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
            // This silo's nodes at once, even before the directory lists them; a node it marked down is out, as on every silo.
            var down = _view?.Down.ToHashSet(StringComparer.Ordinal);
            foreach (var n in local.Nodes)
                if (down is null || !down.Contains(n)) nodes[n] = local.SiteOf(n);
            foreach (var n in _view?.Nodes ?? [])
            {
                if (nodes.ContainsKey(n.Node)) continue;
                if (n.Silo is { } s && _dead.Contains(s))
                {
                    if (newlyDead.Contains(s)) gone.Add(n.Node);
                    continue;
                }
                nodes[n.Node] = n.Site;
            }
            var before = _current;
            if (before is not null && before.Count == nodes.Count && nodes.All(n => before.SiteOf(n.Key) == n.Value)) return gone;
            _current = new OverlayMap(nodes.Select(n => (n.Key, n.Value)), distances);
        }
        return gone;
    }
}
