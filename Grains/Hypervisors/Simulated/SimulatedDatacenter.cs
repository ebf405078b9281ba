using Discovery.Model;
using Discovery.Monitoring;

namespace Discovery.Hypervisors.Simulated;

/// <summary>
/// An in-memory datacentre of many nodes whose VM demands are set by a load injector. It is the
/// ground truth of simulations: state is a function of its clock, advanced lazily. Each read or
/// operation first replays, in time order, every load change and migration completion due by
/// now, so results are exact and deterministic for a given seed and clock (no background
/// thread; with a FakeTimeProvider, tests advance time explicitly).
/// Violation time (seconds a node's demand exceeds its capacity) is integrated exactly at every
/// change of a node's demand.
/// Reads do not serialize: every change (the replay included) happens under one writer lock, in time
/// order, and publishes an immutable view of each node it touched. A read takes no lock while no
/// event is due by its clock (thousands of reads per event at the seed's rates); only a read that
/// finds an event due replays it, under the writer lock, before reading.
/// </summary>
public sealed class SimulatedDatacenter
{
    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SimNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<SimNode> _nodeOrder = [];
    private readonly Dictionary<string, SimVm> _vms = new(StringComparer.Ordinal);
    private readonly List<SimVm> _vmOrder = [];
    private readonly PriorityQueue<PendingMigration, (DateTimeOffset, long)> _migrations = new();
    private long _migrationSequence;
    private DateTimeOffset _processedUntil;
    private LoadInjection? _injection;
    private long _nextDueTicks = long.MaxValue; // UTC ticks of the next load change or landing: reads before it need no replay

    /// <summary>A datacentre on <paramref name="clock"/>; migrations move memory at <paramref name="migrationBandwidthMbps"/>.</summary>
    public SimulatedDatacenter(TimeProvider clock, double migrationBandwidthMbps = 1000)
    {
        if (!(migrationBandwidthMbps > 0))
            throw new ArgumentOutOfRangeException(nameof(migrationBandwidthMbps), migrationBandwidthMbps, "migration bandwidth must be positive (Mbit/s)");
        Clock = clock;
        MigrationBandwidthMbps = migrationBandwidthMbps;
        _processedUntil = clock.GetUtcNow();
        StartedAt = _processedUntil;
    }

    /// <summary>The infrastructure clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>When the datacentre was created (infrastructure time).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Bandwidth of a migration, Mbit/s (1 Gbit/s by default).</summary>
    public double MigrationBandwidthMbps { get; }

    /// <summary>Raised (off the caller's thread) for every VM lifecycle change.</summary>
    public event Action<VmLifecycleEvent>? LifecycleChanged;

    /// <summary>Every node's hypervisor, in creation order.</summary>
    public IReadOnlyList<SimulatedHypervisor> Hypervisors
    {
        get { lock (_gate) return _nodeOrder.Select(n => n.Hypervisor).ToList(); }
    }

    /// <summary>Number of VMs defined on reachable nodes, each counted once (a stale copy beside its VM is not counted).</summary>
    public int VmCount { get { lock (_gate) return _vmOrder.Count; } }

    /// <summary>How long a migration of <paramref name="memoryMiB"/> takes at the configured bandwidth.</summary>
    public TimeSpan MigrationDuration(int memoryMiB) => TimeSpan.FromSeconds(memoryMiB * 8.388608 / MigrationBandwidthMbps);

    /// <summary>Adds a node; its name must be unique.</summary>
    public SimulatedHypervisor AddNode(string name, Resources capacity, string site = "local")
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("node name must not be empty", nameof(name));
        if (capacity.Cpu <= 0 || capacity.MemoryMiB <= 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"node '{name}': capacity must be positive");
        lock (_gate)
        {
            if (_nodes.ContainsKey(name)) throw new ArgumentException($"node '{name}' already exists", nameof(name));
            var node = new SimNode(name, site, capacity) { Index = _nodeOrder.Count };
            node.Hypervisor = new SimulatedHypervisor(this, name);
            Publish(node);
            _nodes[name] = node;
            _nodeOrder.Add(node);
            return node.Hypervisor;
        }
    }

    /// <summary>The hypervisor of <paramref name="node"/>.</summary>
    public SimulatedHypervisor this[string node] => Node(node).Hypervisor;

    /// <summary>Starts the seed's load injector: initial demands and every later change drawn with <paramref name="seed"/>.</summary>
    public void StartLoadInjection(LoadLaw law, int seed) => StartLoadInjection(law, seed, null);

    /// <summary>
    /// As <see cref="StartLoadInjection(LoadLaw, int)"/>, over a fixed <paramref name="catalog"/> of VMs (id, vCPUs) that
    /// may span several datacentres: every draw is made for the catalog, and applied when this datacentre holds the VM.
    /// Datacentres that each hold part of an infrastructure thus replay, together, the stream of one that holds all of it.
    /// Null: over the VMs this datacentre holds, as they come and go.
    /// </summary>
    public void StartLoadInjection(LoadLaw law, int seed, IReadOnlyList<(string Id, int VCpus)>? catalog)
    {
        lock (_gate)
        {
            CatchUpLocked(Clock.GetUtcNow());
            var random = new Random(seed);
            if (catalog is null)
                foreach (var vm in _vmOrder) SetDemandLocked(vm, law.DrawDemand(random, vm.VCpus), _processedUntil);
            else
                foreach (var (id, vcpus) in catalog)
                {
                    var demand = law.DrawDemand(random, vcpus);
                    if (_vms.TryGetValue(id, out var vm)) SetDemandLocked(vm, demand, _processedUntil);
                }
            _injection = new LoadInjection(law, random, _processedUntil + law.DrawInterval(random, catalog?.Count ?? _vmOrder.Count)) { Catalog = catalog };
            UpdateNextDue();
        }
    }

    /// <summary>Sets a VM's CPU demand now (tests and scenario scripts), clipped to 0..100 per vCPU.</summary>
    public void SetDemand(string vmId, int cpuDemand)
    {
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            SetDemandLocked(Vm(vmId), cpuDemand, now);
        }
    }

    /// <summary>Simulates a guest crash: the VM stops holding resources and a Crashed event is raised.</summary>
    public void Crash(string vmId) => Crash(null, vmId);

    /// <summary>As <see cref="Crash(string)"/>, for the copy of the VM on <paramref name="node"/> (a VM may have a stale copy on a node that came back).</summary>
    public void Crash(string? node, string vmId)
    {
        VmLifecycleEvent evt;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var vm = node is null ? Vm(vmId) : VmOn(node, vmId);
            if (vm.MigratingTo is not null || vm.HandingOver)
                throw new HypervisorException(vm.Host.Name, HypervisorErrorKind.InvalidState, $"crash '{vmId}': it is migrating");
            ChangeLocked(vm, now, () => vm.State = VmState.Crashed);
            evt = new VmLifecycleEvent(vm.Host.Name, vmId, VmLifecycleKind.Crashed, 0, now);
        }
        Raise(evt);
    }

    /// <summary>
    /// Makes <paramref name="node"/> unreachable, as a machine that crashed or was cut off the network:
    /// every read and operation on it fails with <see cref="HypervisorErrorKind.ConnectionFailed"/>,
    /// migrations to or from it are aborted (the VM stays on its source), and its VMs are frozen as
    /// they were: still defined there, out of the load injector and of every total, and free to be
    /// defined on another node meanwhile. Its overload, if any, stops counting.
    /// </summary>
    public void CrashNode(string node)
    {
        List<PendingMigration> aborted;
        List<CancellationTokenSource> handOvers;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Node(node);
            if (n.Down) throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"crash node {node}: it is already down");
            aborted = AbortMigrationsLocked(n, now);
            // Its hand-overs to other silos end too; cancelled once the lock is released, since a cancellation may run their
            // continuation (which restores the VM under this lock) inline.
            handOvers = [.. n.Vms.Select(v => v.HandOverAbort).OfType<CancellationTokenSource>()];
            n.Down = true;
            foreach (var vm in n.Vms)
                if (_vms.TryGetValue(vm.Id, out var primary) && ReferenceEquals(primary, vm))
                {
                    _vms.Remove(vm.Id);
                    _vmOrder.Remove(vm);
                }
            if (n.OverloadedSince is { } since) n.ViolationSeconds += Math.Max(0, (now - since).TotalSeconds);
            n.OverloadedSince = null;
            Publish(n);
        }
        foreach (var m in aborted)
            m.Landed.TrySetException(new HypervisorException(m.From, HypervisorErrorKind.ConnectionFailed,
                $"migrate '{m.Vm.Id}': aborted, node {node} became unreachable"));
        foreach (var abort in handOvers)
            try { abort.Cancel(); }
            catch (ObjectDisposedException) { /* that hand-over ended meanwhile */ }
    }

    /// <summary>
    /// Brings a node made unreachable by <see cref="CrashNode"/> back with the VMs it had, in the state
    /// they had. A VM defined elsewhere meanwhile now has two copies: the one here is a stale copy
    /// (listed and operable here, out of the load injector) until one of them is removed.
    /// </summary>
    public void RecoverNode(string node)
    {
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Node(node);
            if (!n.Down) throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"recover node {node}: it is not down");
            n.Down = false;
            foreach (var vm in n.Vms)
                if (_vms.TryAdd(vm.Id, vm)) _vmOrder.Add(vm);
            Recompute(n, now);
        }
    }

    /// <summary>Whether <paramref name="node"/> is unreachable (see <see cref="CrashNode"/>).</summary>
    public bool IsDown(string node) => Node(node).View.Down;

    /// <summary>
    /// VMs defined on two reachable nodes or more (a stale copy beside the VM itself), in id order; a VM
    /// in flight is one VM, whatever both nodes list.
    /// </summary>
    public IReadOnlyList<string> DuplicatedVms()
    {
        lock (_gate)
            return _nodeOrder.Where(n => !n.Down).SelectMany(n => n.Vms).GroupBy(v => v.Id).Where(g => g.Count() > 1)
                .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Ground truth at now: per-node violation seconds and loads.</summary>
    public DatacenterTotals GetTotals()
    {
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var perNode = new Dictionary<string, double>(_nodeOrder.Count, StringComparer.Ordinal);
            double total = 0, cpuDemand = 0, cpuCapacity = 0;
            var overloaded = 0;
            foreach (var n in _nodeOrder)
            {
                var v = n.ViolationSeconds + (n.OverloadedSince is { } since ? (now - since).TotalSeconds : 0);
                perNode[n.Name] = v;
                total += v;
                if (n.Down) continue; // its load is unknown: out of the totals until it is back
                cpuDemand += n.Demand.Cpu;
                cpuCapacity += n.Capacity.Cpu;
                if (n.OverloadedSince is not null) overloaded++;
            }
            return new DatacenterTotals(now, total, perNode, cpuCapacity == 0 ? 0 : cpuDemand / cpuCapacity, overloaded,
                _vmOrder.Count(v => v.MigratingTo is not null || v.HandingOver), LoadChanges, MigrationsCompleted, ReOverloads, cpuCapacity, Overloads);
        }
    }

    /// <summary>Load changes applied so far by the injector.</summary>
    public long LoadChanges { get; private set; }

    /// <summary>Migrations that have landed so far.</summary>
    public long MigrationsCompleted { get; private set; }

    /// <summary>Overloads of a node that began within <see cref="ReOverloadWindow"/> after a VM landed on it.</summary>
    public long ReOverloads { get; private set; }

    /// <summary>Overloads that began so far (a node going from fitting to overloaded), detected by a scheduler or not.</summary>
    public long Overloads { get; private set; }

    /// <summary>How soon after receiving a VM an overload counts as a re-overload (120 s).</summary>
    public static readonly TimeSpan ReOverloadWindow = TimeSpan.FromSeconds(120);

    // ---- operations used by SimulatedHypervisor ----

    internal HostInfo HostInfo(string node)
    {
        var n = Reachable(node);
        return new HostInfo(n.Name, n.Capacity, "simulated");
    }

    internal string SiteOf(string node) => Node(node).Site;

    internal IReadOnlyList<VmStatus> List(string node) => Array.AsReadOnly(Read(node).Vms); // the view's array stays unshared

    /// <summary>
    /// The node now, without copying its VMs: demand, capacity, whether it is down, and a version that
    /// changes whenever its VMs or their states change (not their demand). What a per-silo monitoring pass reads.
    /// </summary>
    public NodeReading Peek(string node)
    {
        var view = CurrentView(Node(node));
        return new NodeReading(view.Demand, view.Capacity, view.Down, view.Version, view.Hosting, view.Vms.Length);
    }

    /// <summary>Current view of a reachable node (replaying what is due first).</summary>
    private NodeView Read(string node)
    {
        var n = Node(node);
        var view = CurrentView(n);
        return view.Down ? throw new HypervisorException(node, HypervisorErrorKind.ConnectionFailed, $"node {node} is unreachable") : view;
    }

    private NodeView CurrentView(SimNode node)
    {
        var now = Clock.GetUtcNow();
        if (now.UtcTicks >= Volatile.Read(ref _nextDueTicks))
            lock (_gate) CatchUpLocked(now);
        return node.View;
    }

    internal void Define(string node, VmSpec spec)
    {
        VmLifecycleEvent evt;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Reachable(node);
            if (spec.VCpus <= 0 || spec.MemoryMiB <= 0)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidDefinition, $"define '{spec.Id}': vCPUs and memory must be positive");
            // Ids are unique among reachable nodes (a stale copy on a node that came back aside): a copy frozen
            // on an unreachable node does not stop the VM from being defined again elsewhere.
            if (_vms.TryGetValue(spec.Id, out var existing) || (existing = n.Vms.Find(v => v.Id == spec.Id)) is not null)
                throw new HypervisorException(node, HypervisorErrorKind.AlreadyExists, $"define '{spec.Id}': a VM with that id already exists on {existing.Host.Name}");
            var vm = new SimVm(spec.Id, spec.VCpus, spec.MemoryMiB, n) { Image = spec.Image, CpuDemand = Math.Clamp(spec.CpuDemand, 0, spec.VCpus * 100) };
            _vms.Add(vm.Id, vm);
            _vmOrder.Add(vm);
            n.Vms.Add(vm);
            Publish(n);
            evt = new VmLifecycleEvent(node, spec.Id, VmLifecycleKind.Defined, 0, now);
        }
        Raise(evt);
    }

    internal void Transition(string node, string vmId, VmLifecycleKind kind)
    {
        VmLifecycleEvent evt;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var vm = VmOn(node, vmId);
            var operation = kind.ToString().ToLowerInvariant();
            if (vm.MigratingTo is not null)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"{operation} '{vmId}': it is migrating to {vm.MigratingTo.Name}");
            if (vm.HandingOver)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"{operation} '{vmId}': it is migrating to another silo's node");
            var target = (kind, vm.State) switch
            {
                (VmLifecycleKind.Started, VmState.Stopped or VmState.Crashed) => VmState.Running,
                (VmLifecycleKind.Shutdown, VmState.Running) => VmState.Stopped,
                (VmLifecycleKind.Suspended, VmState.Running) => VmState.Suspended,
                (VmLifecycleKind.Resumed, VmState.Suspended) => VmState.Running,
                (VmLifecycleKind.Stopped, VmState.Running or VmState.Suspended) => VmState.Stopped,
                (VmLifecycleKind.Undefined, VmState.Stopped or VmState.Crashed) => VmState.Stopped,
                _ => throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"{operation} '{vmId}': not allowed while the VM is {vm.State}"),
            };
            if (kind == VmLifecycleKind.Started && !Fits(vm.Host, new Resources(0, vm.MemoryMiB)))
                throw new HypervisorException(node, HypervisorErrorKind.InsufficientResources,
                    $"start '{vmId}': needs {vm.MemoryMiB} MiB, node has {vm.Host.Capacity.MemoryMiB - vm.Host.Demand.MemoryMiB} MiB free");
            if (kind == VmLifecycleKind.Undefined)
            {
                vm.Host.Vms.Remove(vm);
                if (_vms.TryGetValue(vmId, out var primary) && ReferenceEquals(primary, vm))
                {
                    _vms.Remove(vmId);
                    _vmOrder.Remove(vm);
                    // A stale copy on another reachable node becomes the VM.
                    if (_nodeOrder.Where(o => !o.Down).SelectMany(o => o.Vms).FirstOrDefault(v => v.Id == vmId) is { } copy)
                    {
                        _vms.Add(vmId, copy);
                        _vmOrder.Add(copy);
                    }
                }
                Publish(vm.Host);
            }
            else
            {
                ChangeLocked(vm, now, () => vm.State = target);
            }
            evt = new VmLifecycleEvent(node, vmId, kind, 0, now);
        }
        Raise(evt);
    }

    internal async Task<MigrationOutcome> MigrateAsync(string node, string vmId, string destination, CancellationToken cancellationToken)
    {
        PendingMigration pending;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var vm = VmOn(node, vmId);
            var to = _nodes.GetValueOrDefault(destination)
                ?? throw new HypervisorException(node, HypervisorErrorKind.NotFound, $"migrate '{vmId}': unknown destination node '{destination}'");
            if (to.Down)
                throw new HypervisorException(node, HypervisorErrorKind.ConnectionFailed, $"migrate '{vmId}': destination {destination} is unreachable");
            if (to.Vms.Exists(v => v.Id == vmId) || to.Incoming.Exists(v => v.Id == vmId))
                throw new HypervisorException(node, HypervisorErrorKind.AlreadyExists, $"migrate '{vmId}': {destination} already has a copy of it");
            if (ReferenceEquals(to, vm.Host))
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"migrate '{vmId}': it is already on {destination}");
            if (vm.MigratingTo is not null)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"migrate '{vmId}': already migrating to {vm.MigratingTo.Name}");
            if (vm.HandingOver)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"migrate '{vmId}': already migrating to another silo's node");
            if (vm.HoldsResources && !Fits(to, new Resources(0, vm.MemoryMiB)))
                throw new HypervisorException(node, HypervisorErrorKind.InsufficientResources,
                    $"migrate '{vmId}' to {destination}: needs {vm.MemoryMiB} MiB, destination has {to.Capacity.MemoryMiB - to.Demand.MemoryMiB} MiB free");
            if (!vm.HoldsResources)
            {
                // A stopped VM is only a definition: it moves at once.
                var from = vm.Host;
                from.Vms.Remove(vm);
                vm.Host = to;
                to.Vms.Add(vm);
                Publish(from);
                Publish(to);
                MigrationsCompleted++;
                return new MigrationOutcome(vmId, node, destination, MigrationMode.Live, TimeSpan.Zero);
            }
            // In flight, the VM holds CPU and memory on both hosts until it lands.
            var state = vm.State;
            ChangeLocked(vm, now, () => { vm.MigratingTo = to; vm.StateBeforeMigration = state; vm.State = VmState.Migrating; });
            var due = now + MigrationDuration(vm.MemoryMiB);
            pending = new PendingMigration(vm, node, due, now);
            _migrations.Enqueue(pending, (due, _migrationSequence++));
            UpdateNextDue();
        }
        // Wake up at the completion time; any earlier read that passes it completes it too.
        using var timer = Clock.CreateTimer(_ => CompleteDue(pending.Due), null, pending.Due - Clock.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        await pending.Landed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new MigrationOutcome(vmId, node, destination, MigrationMode.Live, pending.Due - pending.Started);
    }

    // ---- hand-over between the datacentres of two silos ----

    /// <summary>
    /// Migrates a VM to a node of another datacentre (another silo's) through <paramref name="through"/>, with the timing
    /// of a migration here: the destination holds the VM's resources from the start, the VM holds them here until it
    /// lands there, after memory / bandwidth. Nothing is lost on failure: the VM runs there before it is removed here,
    /// and an abort (the destination refused, this node crashed, the call failed) drops what the destination held and
    /// leaves the VM here as it was. Only when the destination cannot even be told to drop it may it run on both sides,
    /// which its VE rules on like any copy of a node that came back.
    /// </summary>
    internal async Task<MigrationOutcome> HandOverAsync(string node, string vmId, string destination, IIncomingVms through, CancellationToken cancellationToken)
    {
        SimVm vm;
        DateTimeOffset started, due;
        CancellationTokenSource abort;
        lock (_gate)
        {
            started = CatchUpLocked(Clock.GetUtcNow());
            vm = VmOn(node, vmId);
            if (vm.MigratingTo is not null || vm.HandingOver)
                throw new HypervisorException(node, HypervisorErrorKind.InvalidState, $"migrate '{vmId}': it is already migrating");
            due = vm.HoldsResources ? started + MigrationDuration(vm.MemoryMiB) : started; // a stopped VM is only a definition
            var state = vm.State;
            if (vm.HoldsResources) ChangeLocked(vm, started, () => { vm.HandingOver = true; vm.StateBeforeMigration = state; vm.State = VmState.Migrating; });
            else vm.HandingOver = true;
            // Cancelled by CrashNode: a source that becomes unreachable aborts its hand-overs at once, as its local migrations.
            abort = vm.HandOverAbort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }
        var (landed, refused) = (false, false);
        try
        {
            try { await through.AcceptAsync(Incoming(vm, node)).ConfigureAwait(false); }
            catch (HypervisorException) { refused = true; throw; } // the destination said no: it holds nothing
            var left = due - Clock.GetUtcNow();
            if (left > TimeSpan.Zero) await Task.Delay(left, Clock, abort.Token).ConfigureAwait(false);
            abort.Token.ThrowIfCancellationRequested();
            await through.LandAsync(Incoming(vm, node)).ConfigureAwait(false);
            landed = true;
        }
        catch (Exception e)
        {
            if (!refused)
                try { await through.DropAsync(vmId).ConfigureAwait(false); }
                catch (Exception) { /* the destination is gone: what it held goes with it */ }
            if (vm.Host.View.Down)
                throw new HypervisorException(node, HypervisorErrorKind.ConnectionFailed, $"migrate '{vmId}': aborted, node {node} became unreachable", e);
            throw;
        }
        finally
        {
            lock (_gate) EndHandOverLocked(vm, CatchUpLocked(Clock.GetUtcNow()), landed);
            abort.Dispose();
        }
        return new MigrationOutcome(vmId, node, destination, MigrationMode.Live, due - started);
    }

    /// <summary>What the destination needs: the VM's definition with its demand now, and the state it runs in.</summary>
    private IncomingVm Incoming(SimVm vm, string from)
    {
        lock (_gate)
            return new IncomingVm(new VmSpec(vm.Id, vm.VCpus, vm.MemoryMiB, "simulated", vm.CpuDemand),
                vm.State == VmState.Migrating ? vm.StateBeforeMigration : vm.State, from);
    }

    /// <summary>The hand-over ended: landed there (the VM leaves this datacentre) or not (it carries on here as it was).</summary>
    private void EndHandOverLocked(SimVm vm, DateTimeOffset now, bool landed)
    {
        vm.HandingOver = false;
        vm.HandOverAbort = null;
        if (!landed)
        {
            if (vm.State == VmState.Migrating) ChangeLocked(vm, now, () => vm.State = vm.StateBeforeMigration);
            return;
        }
        var from = vm.Host;
        from.Vms.Remove(vm);
        from.Demand -= vm.Demand;
        if (_vms.TryGetValue(vm.Id, out var primary) && ReferenceEquals(primary, vm))
        {
            _vms.Remove(vm.Id);
            _vmOrder.Remove(vm);
        }
        Recompute(from, now);
    }

    /// <summary>A VM of another datacentre starts migrating to <paramref name="node"/>: its resources are held here.</summary>
    internal void AcceptIncoming(string node, IncomingVm incoming)
    {
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Reachable(node);
            var spec = incoming.Spec;
            if (_vms.ContainsKey(spec.Id) || n.Vms.Exists(v => v.Id == spec.Id) || n.Incoming.Exists(v => v.Id == spec.Id))
                throw new HypervisorException(node, HypervisorErrorKind.AlreadyExists, $"migrate '{spec.Id}' to {node}: a VM with that id is already here");
            if (incoming.State is not (VmState.Running or VmState.Suspended)) return; // a definition holds nothing in flight
            if (!Fits(n, new Resources(0, spec.MemoryMiB)))
                throw new HypervisorException(node, HypervisorErrorKind.InsufficientResources,
                    $"migrate '{spec.Id}' to {node}: needs {spec.MemoryMiB} MiB, node has {n.Capacity.MemoryMiB - n.Demand.MemoryMiB} MiB free");
            var vm = new SimVm(spec.Id, spec.VCpus, spec.MemoryMiB, n)
            {
                Image = spec.Image,
                CpuDemand = spec.CpuDemand, StateBeforeMigration = incoming.State, State = VmState.Migrating, HandedIn = true,
            };
            n.Incoming.Add(vm);
            n.Demand += vm.Demand;
            Recompute(n, now);
        }
    }

    /// <summary>
    /// The VM handed over has arrived on <paramref name="node"/>: it runs here from now on. Landing twice is landing
    /// once; a VM of that id defined here meanwhile (another copy) refuses it, and the source keeps its own.
    /// </summary>
    internal void LandIncoming(string node, IncomingVm incoming)
    {
        VmLifecycleEvent evt;
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Reachable(node);
            var spec = incoming.Spec;
            if (n.Vms.Exists(v => v.Id == spec.Id && v.HandedIn)) return;
            if (_vms.ContainsKey(spec.Id) || n.Vms.Exists(v => v.Id == spec.Id))
                throw new HypervisorException(node, HypervisorErrorKind.AlreadyExists, $"migrate '{spec.Id}' to {node}: a VM with that id was defined meanwhile");
            var held = n.Incoming.Find(v => v.Id == spec.Id && v.HandedIn);
            if (held is null && incoming.State is VmState.Running or VmState.Suspended && !Fits(n, new Resources(0, spec.MemoryMiB)))
                throw new HypervisorException(node, HypervisorErrorKind.InsufficientResources,
                    $"migrate '{spec.Id}' to {node}: needs {spec.MemoryMiB} MiB, node has {n.Capacity.MemoryMiB - n.Demand.MemoryMiB} MiB free");
            if (held is not null)
            {
                n.Incoming.Remove(held);
                n.Demand -= held.Demand;
            }
            var vm = new SimVm(spec.Id, spec.VCpus, spec.MemoryMiB, n)
            {
                Image = spec.Image,
                CpuDemand = Math.Clamp(spec.CpuDemand, 0, spec.VCpus * 100), State = incoming.State, HandedIn = true,
            };
            n.Vms.Add(vm);
            _vms.Add(vm.Id, vm);
            _vmOrder.Add(vm);
            n.Demand += vm.Demand;
            if (vm.HoldsResources) n.ReceivedAt = now;
            Recompute(n, now);
            MigrationsCompleted++;
            evt = new VmLifecycleEvent(node, vm.Id, VmLifecycleKind.Migrated, 0, now);
        }
        Raise(evt);
    }

    /// <summary>
    /// The hand-over to <paramref name="node"/> was aborted: what was held for the VM is freed, and a VM that had landed
    /// but whose source never heard it is removed (the source keeps its own). Dropping twice is dropping once.
    /// </summary>
    internal void DropIncoming(string node, string vmId)
    {
        lock (_gate)
        {
            var now = CatchUpLocked(Clock.GetUtcNow());
            var n = Node(node);
            if (n.Incoming.Find(v => v.Id == vmId && v.HandedIn) is { } held)
            {
                n.Incoming.Remove(held);
                n.Demand -= held.Demand;
            }
            else if (n.Vms.Find(v => v.Id == vmId && v.HandedIn) is { } arrived && _vms.TryGetValue(vmId, out var primary) && ReferenceEquals(primary, arrived))
            {
                n.Vms.Remove(arrived);
                n.Demand -= arrived.Demand;
                _vms.Remove(vmId);
                _vmOrder.Remove(arrived);
                MigrationsCompleted--;
            }
            else return;
            Recompute(n, now);
        }
    }

    private void CompleteDue(DateTimeOffset due)
    {
        lock (_gate)
        {
            var now = Clock.GetUtcNow();
            // A timer may fire a hair before the infrastructure clock reads its due time.
            CatchUpLocked(now > due ? now : due);
        }
    }

    // ---- the replay of due events ----

    /// <summary>Applies, in time order, every event due by <paramref name="until"/>; returns the time now reached.</summary>
    private DateTimeOffset CatchUpLocked(DateTimeOffset until)
    {
        while (true)
        {
            var nextLoad = _injection?.Next ?? DateTimeOffset.MaxValue;
            var nextMigration = _migrations.TryPeek(out var m, out var key) ? key.Item1 : DateTimeOffset.MaxValue;
            var next = nextLoad < nextMigration ? nextLoad : nextMigration;
            if (next > until) break;
            if (nextLoad <= nextMigration)
            {
                var inj = _injection!;
                if (inj.Catalog is { Count: > 0 } catalog)
                {
                    var (id, vcpus) = catalog[inj.Random.Next(catalog.Count)];
                    var demand = inj.Law.DrawDemand(inj.Random, vcpus);
                    if (_vms.TryGetValue(id, out var held))
                    {
                        SetDemandLocked(held, demand, next);
                        LoadChanges++;
                    }
                }
                else if (inj.Catalog is null && _vmOrder.Count > 0)
                {
                    var vm = _vmOrder[inj.Random.Next(_vmOrder.Count)];
                    SetDemandLocked(vm, inj.Law.DrawDemand(inj.Random, vm.VCpus), next);
                    LoadChanges++;
                }
                inj.Next = next + inj.Law.DrawInterval(inj.Random, inj.Catalog?.Count ?? _vmOrder.Count);
            }
            else
            {
                _migrations.Dequeue();
                if (!m!.Aborted) LandLocked(m);
            }
        }
        if (until > _processedUntil) _processedUntil = until;
        UpdateNextDue();
        return _processedUntil;
    }

    private void UpdateNextDue()
    {
        var nextLoad = _injection?.Next ?? DateTimeOffset.MaxValue;
        var nextMigration = _migrations.TryPeek(out _, out var key) ? key.Item1 : DateTimeOffset.MaxValue;
        Volatile.Write(ref _nextDueTicks, (nextLoad < nextMigration ? nextLoad : nextMigration).UtcTicks);
    }

    private void LandLocked(PendingMigration m)
    {
        var vm = m.Vm;
        var from = vm.Host;
        var to = vm.MigratingTo!;
        var t = m.Due > _processedUntil ? m.Due : _processedUntil;
        from.Vms.Remove(vm);
        to.Incoming.Remove(vm);
        vm.Host = to;
        vm.MigratingTo = null;
        vm.State = vm.StateBeforeMigration;
        to.Vms.Add(vm);
        from.Demand -= vm.Demand;
        to.ReceivedAt = t;
        Recompute(from, t);
        Recompute(to, t);
        MigrationsCompleted++;
        m.Landed.TrySetResult();
        Raise(new VmLifecycleEvent(to.Name, vm.Id, VmLifecycleKind.Migrated, 0, t));
    }

    private void SetDemandLocked(SimVm vm, int cpuDemand, DateTimeOffset t) =>
        ChangeLocked(vm, t, () => vm.CpuDemand = Math.Clamp(cpuDemand, 0, vm.VCpus * 100));

    /// <summary>Applies a change to a VM and updates the demand and violation time of every node it touches.</summary>
    private void ChangeLocked(SimVm vm, DateTimeOffset t, Action change)
    {
        var before = vm.Demand;
        var beforeTarget = vm.MigratingTo;
        change();
        vm.Host.Demand += vm.Demand - before;
        if (beforeTarget is not null) beforeTarget.Demand -= before;
        if (vm.MigratingTo is not null)
        {
            vm.MigratingTo.Demand += vm.Demand;
            if (beforeTarget is null) vm.MigratingTo.Incoming.Add(vm);
        }
        Recompute(vm.Host, t);
        if (beforeTarget is not null) Recompute(beforeTarget, t);
        if (vm.MigratingTo is not null && !ReferenceEquals(vm.MigratingTo, beforeTarget)) Recompute(vm.MigratingTo, t);
    }

    private void Recompute(SimNode node, DateTimeOffset t)
    {
        var overloaded = !node.Demand.FitsIn(node.Capacity);
        Publish(node);
        if (node.Down) return; // out of every total until it is back (RecoverNode recomputes it)
        if (overloaded && node.OverloadedSince is null)
        {
            node.OverloadedSince = t;
            Overloads++;
            // A re-overload: the node overloads within the window after it received a VM (a plan filled it too much).
            if (node.ReceivedAt is { } received && t - received <= ReOverloadWindow) ReOverloads++;
        }
        else if (!overloaded && node.OverloadedSince is { } since)
        {
            node.ViolationSeconds += Math.Max(0, (t - since).TotalSeconds);
            node.OverloadedSince = null;
        }
    }

    private static bool Fits(SimNode node, Resources extra) => (node.Demand + extra).MemoryMiB <= node.Capacity.MemoryMiB;

    private SimNode Node(string name) => (_nodes.TryGetValue(name, out var node) ? node : null)
        ?? throw new HypervisorException(name, HypervisorErrorKind.NotFound, $"unknown node '{name}'");

    private SimNode Reachable(string name)
    {
        var node = Node(name);
        return node.View.Down ? throw new HypervisorException(name, HypervisorErrorKind.ConnectionFailed, $"node {name} is unreachable") : node;
    }

    private SimVm Vm(string id) => _vms.GetValueOrDefault(id)
        ?? throw new HypervisorException("simulated", HypervisorErrorKind.NotFound, $"unknown VM '{id}'");

    private SimVm VmOn(string node, string id) =>
        Reachable(node).Vms.Find(v => v.Id == id) ?? throw new HypervisorException(node, HypervisorErrorKind.NotFound, $"no VM '{id}' on {node}");

    /// <summary>Puts every VM migrating to or from <paramref name="node"/> back on its source, as it was; returns the migrations to fail.</summary>
    private List<PendingMigration> AbortMigrationsLocked(SimNode node, DateTimeOffset now)
    {
        var aborted = new List<PendingMigration>();
        foreach (var (m, _) in _migrations.UnorderedItems)
        {
            var vm = m.Vm;
            if (m.Aborted || (!ReferenceEquals(vm.Host, node) && !ReferenceEquals(vm.MigratingTo, node))) continue;
            var target = vm.MigratingTo!;
            target.Incoming.Remove(vm); // first: the target's view published by ChangeLocked no longer lists it
            ChangeLocked(vm, now, () => { vm.MigratingTo = null; vm.State = vm.StateBeforeMigration; });
            m.Aborted = true;
            aborted.Add(m);
        }
        return aborted;
    }

    private void Raise(VmLifecycleEvent evt)
    {
        var handlers = LifecycleChanged;
        if (handlers is null && !_nodes[evt.Node].Hypervisor.HasSubscribers) return;
        ThreadPool.QueueUserWorkItem(static s =>
        {
            var (self, e) = s;
            self.LifecycleChanged?.Invoke(e);
            self._nodes[e.Node].Hypervisor.RaiseLifecycle(e);
        }, (this, evt), preferLocal: false);
    }

    private sealed class SimNode(string name, string site, Resources capacity)
    {
        public string Name { get; } = name;
        public string Site { get; } = site;
        public Resources Capacity { get; } = capacity;
        public int Index { get; init; }
        public SimulatedHypervisor Hypervisor { get; set; } = null!;
        public List<SimVm> Vms { get; } = [];
        public List<SimVm> Incoming { get; } = [];
        public Resources Demand { get; set; }
        public DateTimeOffset? OverloadedSince { get; set; }
        public double ViolationSeconds { get; set; }
        public bool Down { get; set; }
        /// <summary>When a VM last landed here.</summary>
        public DateTimeOffset? ReceivedAt { get; set; }
        /// <summary>What readers see; replaced (never changed) by writers.</summary>
        public volatile NodeView View = NodeView.Empty;
    }

    /// <summary>Rebuilds <paramref name="node"/>'s view after a change; its version moves when its VMs or their states changed.</summary>
    private static void Publish(SimNode node)
    {
        var vms = new VmStatus[node.Vms.Count + node.Incoming.Count];
        var i = 0;
        var hosting = false;
        foreach (var vm in node.Vms)
        {
            vms[i++] = vm.Status();
            hosting |= vm.HoldsResources;
        }
        foreach (var vm in node.Incoming) vms[i++] = vm.Status(); // in flight: State is Migrating
        var before = node.View;
        var same = before.Vms.Length == vms.Length && before.Down == node.Down;
        for (var k = 0; same && k < vms.Length; k++) same = before.Vms[k].Id == vms[k].Id && before.Vms[k].State == vms[k].State;
        node.View = new NodeView(vms, node.Demand, node.Capacity, node.Down, hosting, same ? before.Version : before.Version + 1);
    }

    private sealed record NodeView(VmStatus[] Vms, Resources Demand, Resources Capacity, bool Down, bool Hosting, long Version)
    {
        public static readonly NodeView Empty = new([], Resources.Zero, Resources.Zero, false, false, 0);
    }

    private sealed class SimVm(string id, int vcpus, int memoryMiB, SimNode host)
    {
        public string Id { get; } = id;
        public int VCpus { get; } = vcpus;
        public int MemoryMiB { get; } = memoryMiB;
        public string? Image { get; init; }
        public SimNode Host { get; set; } = host;
        public SimNode? MigratingTo { get; set; }
        /// <summary>Being handed over to another datacentre: it holds its resources here until it has landed there.</summary>
        public bool HandingOver { get; set; }
        /// <summary>Cancels the hand-over in flight (its source crashed).</summary>
        public CancellationTokenSource? HandOverAbort { get; set; }
        /// <summary>Came from another datacentre by hand-over (held in flight, or landed).</summary>
        public bool HandedIn { get; init; }
        public VmState State { get; set; } = VmState.Stopped;
        public VmState StateBeforeMigration { get; set; }
        public int CpuDemand { get; set; }
        public bool HoldsResources => State is VmState.Running or VmState.Suspended or VmState.Migrating;
        // A suspended VM keeps its memory but uses no CPU.
        public Resources Demand => State switch
        {
            VmState.Running => new(CpuDemand, MemoryMiB),
            VmState.Migrating => new(StateBeforeMigration == VmState.Running ? CpuDemand : 0, MemoryMiB),
            VmState.Suspended => new(0, MemoryMiB),
            _ => Resources.Zero,
        };
        public VmStatus Status() => new(Id, State, VCpus, MemoryMiB, Demand.Cpu, Image);
    }

    private sealed record PendingMigration(SimVm Vm, string From, DateTimeOffset Due, DateTimeOffset Started)
    {
        public TaskCompletionSource Landed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Aborted { get; set; }
    }

    private sealed class LoadInjection(LoadLaw law, Random random, DateTimeOffset next)
    {
        public LoadLaw Law { get; } = law;
        public Random Random { get; } = random;
        public DateTimeOffset Next { get; set; } = next;
        public IReadOnlyList<(string Id, int VCpus)>? Catalog { get; init; }
    }
}
