using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Discovery.Placement.Constraints;
using Google.OrTools.Sat;

namespace Discovery.Placement;

/// <summary>
/// The placement solver: a CP-SAT model (Google OR-Tools) of where each VM ends, with CPU and
/// memory capacities, every constraint, and the migration cost (memory moved, then number of
/// migrations) as objective. Repair mode keeps it tractable at thousands of nodes: only the VMs
/// that must be considered (on overloaded or offline nodes, or named by a constraint) are
/// variables, each over a bounded set of candidate nodes; all other VMs are constants. The
/// greedy baseline's answer, when it has one, is the solver's starting hint, so CP-SAT returns
/// nothing worse than it. VMs not placed yet are always variables (over their candidate nodes in
/// repair mode), must be placed, and add no migration cost. With a headroom target
/// (<see cref="SolverOptions.Headroom"/>) the solver first looks, within half its time, for the
/// least-memory plan that keeps every node at or under its headroom threshold (<see cref="Headroom"/>,
/// as a hard CPU cap: cheap for CP-SAT), and only without one for the least-memory plan.
/// </summary>
public sealed class CpSatPlacementSolver : IPlacementSolver
{
    private const long MemoryWeight = 1000; // objective = 1000 x MiB moved + migrations: memory first, count breaks ties

    // A migration to a node that lacks the VM's image: one second of fetch weighs as much as 100 MiB of memory moved (about 1 Gbit/s).
    private const long FetchSecondAsMiB = 100;

    // At admission: one second of fetch weighs as a tenth of a core of live room (a 20 s pull as 2 cores): the image
    // decides between nodes of similar room, and a much emptier node still wins over a cached one.
    private const long FetchSecondAsRoom = 10;

    /// <inheritdoc />
    public string Name => "cpsat";

    /// <inheritdoc />
    public SolverKind Kind => SolverKind.CpSat;

    /// <inheritdoc />
    public PlacementResult Solve(PlacementProblem problem, SolverOptions options)
    {
        var clock = Stopwatch.StartNew();
        if (ProblemIndex.Prepare(problem, Name, clock, out var refusal, options) is not { } index) return refusal!;
        var small = index.Nodes.Length <= options.FullModelMaxNodes;
        var considered = Enumerable.Range(0, index.Vms.Length).Where(index.MustConsider).ToArray();
        if (considered.Length == 0 && !index.Named.Any(n => n) && !Enumerable.Range(0, index.Nodes.Length).Any(index.MustShed))
            return new PlacementResult(PlacementStatus.Solved, Current(index), MigrationPlan.Empty, clock.Elapsed, Optimal: true, Name, "already viable");

        var thresholds = Headroom.Thresholds(index, options.Headroom);
        var hint = GreedyPlacementSolver.TryPlace(index, out _, thresholds, sameSiteFirst: options.CrossSiteWeight > 1);
        if (thresholds is not null)
        {
            // First with the headroom as a hard CPU cap on every node, within half the time: the least-memory plan
            // that keeps every node it touches at or under its threshold, if there is one. Otherwise the plain
            // least-memory plan below, which reports what it leaves above the thresholds.
            var capped = Attempts(index, considered, small, hint, thresholds, options, clock, options.TimeLimit / 2);
            if (capped.Status is CpSolverStatus.Optimal or CpSolverStatus.Feasible && PlanBuilder.Build(problem, capped.Target!) is ({ } cappedPlan, _))
                return new PlacementResult(PlacementStatus.Solved, capped.Target!, cappedPlan, clock.Elapsed, capped.Status == CpSolverStatus.Optimal, Name,
                    HeadroomExcess: Headroom.Excess(index, capped.Target!, thresholds));
        }
        var attempt = Attempts(index, considered, small, hint, null, options, clock, options.TimeLimit);

        switch (attempt.Status)
        {
            case CpSolverStatus.Optimal or CpSolverStatus.Feasible:
                var (plan, failure) = PlanBuilder.Build(problem, attempt.Target!);
                if (plan is not null)
                    return new PlacementResult(PlacementStatus.Solved, attempt.Target!, plan, clock.Elapsed, attempt.Status == CpSolverStatus.Optimal, Name,
                        HeadroomExcess: Headroom.Excess(index, attempt.Target!, thresholds));
                // The model knows capacities, not migration order: a cheaper target may need a swap with no
                // pivot. The greedy's target, when it has one, may still be reachable: never do worse than it.
                if (hint is not null)
                {
                    var fallback = hint.Select((n, v) => KeyValuePair.Create(index.Vms[v].Id, index.Nodes[n].Name)).ToImmutableDictionary(StringComparer.Ordinal);
                    var (greedyPlan, _) = PlanBuilder.Build(problem, fallback);
                    if (greedyPlan is not null)
                        return new PlacementResult(PlacementStatus.Solved, fallback, greedyPlan, clock.Elapsed, false, Name,
                            $"CP-SAT's target has no safe order ({failure}); the greedy's target is used", Headroom.Excess(index, hint, thresholds));
                }
                return PlacementResult.Failed(PlacementStatus.NoSafePlan, clock.Elapsed, Name, failure!);
            case CpSolverStatus.Infeasible:
                return PlacementResult.Failed(PlacementStatus.NoSolution, clock.Elapsed, Name,
                    UnplaceableReason.Detail(problem, orElse: small) ?? (small ? "no viable placement on these nodes" : "no viable placement among the repair candidates"));
            case CpSolverStatus.ModelInvalid:
                return PlacementResult.Failed(PlacementStatus.Invalid, clock.Elapsed, Name, "CP-SAT rejected the model: " + attempt.Detail);
            default:
                return PlacementResult.Failed(PlacementStatus.TimedOut, clock.Elapsed, Name,
                    $"no viable placement found within {options.TimeLimit.TotalSeconds:0.###} s");
        }
    }

    // Only when nothing must be considered, so every VM is placed.
    private static ImmutableDictionary<string, string> Current(ProblemIndex index) =>
        index.Vms.ToImmutableDictionary(v => v.Id, v => v.Host!, StringComparer.Ordinal);

    private sealed record Outcome(CpSolverStatus Status, ImmutableDictionary<string, string>? Target, string? Detail = null);

    /// <summary>The repair, then (when it proves nothing) the wider one; CPU capped at <paramref name="cpuCaps"/> when given; all before <paramref name="deadline"/>.</summary>
    private static Outcome Attempts(ProblemIndex index, int[] considered, bool small, int[]? hint, long[]? cpuCaps, SolverOptions options, Stopwatch clock, TimeSpan deadline)
    {
        // What the VMs need beyond what the nodes offer, all together: no placement at all, no model needed. The
        // common case of a partition that has not grown enough yet (its initiator alone, or two full nodes).
        if (ShortOverall(index, cpuCaps)) return new Outcome(CpSolverStatus.Infeasible, null, "demand exceeds the nodes' capacity");
        var attempt = Attempt(index, considered, small ? null : options.RepairCandidates, hint, cpuCaps, options, clock, deadline);
        // A repair that found nothing is not a proof on a small problem: let every VM move.
        if (attempt.Status == CpSolverStatus.Infeasible && small && considered.Length < index.Vms.Count(v => !v.Pinned))
            attempt = Attempt(index, [.. Enumerable.Range(0, index.Vms.Length).Where(v => !index.Pinned[v])], null, hint, cpuCaps, options, clock, deadline);
        else if (attempt.Status == CpSolverStatus.Infeasible && !small)
            attempt = Attempt(index, considered, options.RepairCandidates * 4, hint, cpuCaps, options, clock, deadline);
        return attempt;
    }

    private static bool ShortOverall(ProblemIndex index, long[]? cpuCaps)
    {
        long cpu = 0, memory = 0, cpuRoom = 0, memoryRoom = 0;
        foreach (var vm in index.Vms) (cpu, memory) = (cpu + vm.Demand.Cpu, memory + vm.Demand.MemoryMiB);
        for (var n = 0; n < index.Nodes.Length; n++)
        {
            if (index.Offline[n]) continue;
            var capacity = index.Nodes[n].Capacity;
            cpuRoom += cpuCaps is null ? capacity.Cpu : Math.Min(capacity.Cpu, cpuCaps[n]);
            memoryRoom += capacity.MemoryMiB;
        }
        return cpu > cpuRoom || memory > memoryRoom;
    }

    private static Outcome Attempt(ProblemIndex index, int[] movable, int? candidates, int[]? hint, long[]? cpuCaps, SolverOptions options, Stopwatch clock, TimeSpan deadline)
    {
        var remaining = deadline - clock.Elapsed;
        if (remaining <= TimeSpan.Zero) return new Outcome(CpSolverStatus.Unknown, null);
        var model = new CpModel();
        var encoding = new PlacementModel(index, model, movable, candidates, hint, cpuCaps, options.CrossSiteWeight);
        if (!encoding.Build(out var reason)) return new Outcome(CpSolverStatus.Infeasible, null, reason);

        // catch_sigint_signal: CP-SAT would otherwise take SIGINT during a solve and leave it at its
        // default afterwards, so an operator's Ctrl+C would kill the silo instead of stopping it.
        using var solver = new CpSolver
        {
            StringParameters = string.Create(CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{Math.Max(0.01, remaining.TotalSeconds):0.###} num_workers:{Math.Max(1, options.Workers)} random_seed:1 catch_sigint_signal:false"),
        };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return new Outcome(status, null, status.ToString());
        return new Outcome(status, encoding.Read(solver));
    }

    /// <summary>The CP-SAT encoding of one problem: one boolean per (movable VM, candidate node).</summary>
    private sealed class PlacementModel(ProblemIndex index, CpModel model, int[] movable, int? candidateCount, int[]? hint, long[]? cpuCaps, double crossSiteWeight = 1) : ICpSatModel
    {
        private readonly Dictionary<int, (int[] Nodes, BoolVar[] Vars)> _x = [];

        public bool Build(out string? reason)
        {
            reason = null;
            var isMovable = new bool[index.Vms.Length];
            foreach (var v in movable) isMovable[v] = true;
            var staticLoad = new Model.Resources[index.Nodes.Length];
            for (var v = 0; v < index.Vms.Length; v++)
                if (!isMovable[v] && index.Host[v] >= 0) staticLoad[index.Host[v]] += index.Vms[v].Demand;

            var spare = candidateCount is null ? null : SpareNodes(staticLoad);
            for (var i = 0; i < movable.Length; i++)
            {
                var v = movable[i];
                var nodes = candidateCount is { } k ? Candidates(v, i, k, spare!) : index.Allowed[v];
                if (nodes.Length == 0)
                {
                    reason = $"VM '{index.Vms[v].Id}' may run on no node of the problem";
                    return false;
                }
                var vars = nodes.Select(n => model.NewBoolVar($"x_{v}_{n}")).ToArray();
                _x[v] = (nodes, vars);
                model.AddExactlyOne(vars);
                var hinted = hint is not null && hint[v] >= 0 ? hint[v] : index.Host[v];
                if (hinted < 0) continue; // a VM not placed yet without a greedy choice: let CP-SAT pick
                for (var j = 0; j < nodes.Length; j++) model.AddHint(vars[j], nodes[j] == hinted);
            }

            // Capacity: what the movable VMs bring must fit in what the fixed ones leave.
            var cpu = new LinearExprBuilder?[index.Nodes.Length];
            var mem = new LinearExprBuilder?[index.Nodes.Length];
            foreach (var (v, (nodes, vars)) in _x)
                for (var j = 0; j < nodes.Length; j++)
                {
                    var n = nodes[j];
                    (cpu[n] ??= LinearExpr.NewBuilder()).AddTerm(vars[j], index.Vms[v].Demand.Cpu);
                    (mem[n] ??= LinearExpr.NewBuilder()).AddTerm(vars[j], index.Vms[v].Demand.MemoryMiB);
                }
            for (var n = 0; n < index.Nodes.Length; n++)
            {
                var capacity = index.Nodes[n].Capacity;
                if (cpuCaps is not null) capacity = capacity with { Cpu = (int)Math.Min(capacity.Cpu, cpuCaps[n]) };
                var cap = capacity - staticLoad[n];
                if (cap.Cpu < 0 || cap.MemoryMiB < 0)
                {
                    reason = $"node '{index.Nodes[n].Name}' is overloaded by VMs that cannot move";
                    return false;
                }
                if (cpu[n] is { } c) model.Add(c <= cap.Cpu);
                if (mem[n] is { } m) model.Add(m <= cap.MemoryMiB);
            }

            // Each constraint through its own encoding, in the problem's order (ban, fence and offline live in the domains).
            foreach (var c in index.Constraints) ConstraintRegistry.For(c).Encoding.Encode(c, index.Members(c), this);

            // Least memory moved, then fewest migrations, then (a tie-break worth less than one migration) receivers hosting
            // the fewest VMs: demand re-draws, so a node's VM count predicts its load beyond the next minutes better than
            // its load now does, and a node that already took VMs is the likeliest to overload again.
            var stay = new List<ILiteral>();
            var weights = new List<long>();
            long forced = 0;
            var hosted = new int[index.Nodes.Length];
            foreach (var h in index.Host) if (h >= 0) hosted[h]++;
            var tie = Math.Max(1, _x.Count) * (long)(hosted.DefaultIfEmpty(0).Max() + 1); // the tie-breaks all together stay under one unit
            foreach (var (v, (nodes, vars)) in _x)
            {
                if (index.IsUnplaced(v)) continue; // placing a new VM moves nothing
                var at = Array.IndexOf(nodes, index.Host[v]);
                for (var j = 0; j < nodes.Length; j++)
                    if (j != at && hosted[nodes[j]] > 0) { stay.Add(vars[j]); weights.Add(hosted[nodes[j]]); }
                var weight = (index.Vms[v].Demand.MemoryMiB * MemoryWeight + 1) * tie;
                if (at < 0) forced += weight;
                else { stay.Add(vars[at].Not()); weights.Add(weight); }
                // Leaving its site costs (weight - 1) times more on top.
                if (crossSiteWeight > 1 && index.Nodes[index.Host[v]].Site is { } home)
                {
                    var extra = (long)Math.Round((crossSiteWeight - 1) * index.Vms[v].Demand.MemoryMiB * MemoryWeight) * tie;
                    for (var j = 0; j < nodes.Length; j++)
                        if (index.Nodes[nodes[j]].Site is { } site && site != home) { stay.Add(vars[j]); weights.Add(extra); }
                }
            }
            var objective = LinearExpr.NewBuilder();
            for (var i = 0; i < stay.Count; i++) objective.AddTerm(stay[i], weights[i]);
            objective.Add(forced);
            var fetch = FetchCosts();
            if (AddExpectedDemandPreference(objective, fetch.Bound) is { } fetchWeight) fetch.AddTo(objective, fetchWeight);
            else fetch.AddTo(objective, _x.Keys.Any(v => !index.IsUnplaced(v)) ? FetchSecondAsMiB * MemoryWeight * tie : 1);
            model.Minimize(objective);
            return true;
        }

        /// <summary>
        /// Bringing an image to a node (<see cref="PlacementNode.FetchSeconds"/>): one boolean per (node, image) that some
        /// VM of that image may land on while the node lacks it, true when one does; the image crosses once per node
        /// whatever the number of its VMs there. A VM staying on its host fetches nothing.
        /// </summary>
        private (long Bound, Action<LinearExprBuilder, long> AddTo) FetchCosts()
        {
            var lands = new Dictionary<(int Node, string Image), List<ILiteral>>();
            long bound = 0;
            foreach (var (v, (nodes, vars)) in _x)
            {
                if (index.Vms[v].Image is not { } image) continue;
                long most = 0;
                for (var j = 0; j < nodes.Length; j++)
                {
                    var seconds = FetchSeconds(nodes[j], image);
                    if (nodes[j] == index.Host[v] || seconds <= 0) continue;
                    most = Math.Max(most, seconds);
                    if (!lands.TryGetValue((nodes[j], image), out var list)) lands[(nodes[j], image)] = list = [];
                    list.Add(vars[j]);
                }
                bound += most;
            }
            return (bound, (objective, weight) =>
            {
                foreach (var ((n, image), literals) in lands)
                {
                    var fetched = model.NewBoolVar($"fetch_{n}_{image}");
                    foreach (var landing in literals) model.AddImplication(landing, fetched);
                    objective.AddTerm(fetched, FetchSeconds(n, image) * weight);
                }
            });
        }

        /// <summary>Seconds to bring <paramref name="image"/> to node <paramref name="n"/>, at most an hour (beyond, every node is as far).</summary>
        private long FetchSeconds(int n, string image) =>
            Math.Clamp((long)(index.Nodes[n].FetchSeconds?.GetValueOrDefault(image) ?? 0), 0, 3600);

        /// <summary>
        /// For VMs not placed yet that declare an expected CPU demand, on nodes that say what their live load leaves
        /// free (admission places by allocation, <see cref="PlacementNode.LiveCpuFree"/>): first the least expected
        /// demand landing beyond any node's live room, then the nodes with the most live room. Placing moves
        /// nothing, so in a problem of new VMs this is the whole objective; DVMS's problems never carry it.
        /// </summary>
        /// <returns>
        /// The weight of one second of image fetch (<see cref="FetchCosts"/>) against room: beyond any node's room
        /// outweighs every fetch (at most <paramref name="fetchBound"/> seconds); a second of fetch weighs as a tenth of a
        /// core of room. Null when there is no such preference.
        /// </returns>
        private long? AddExpectedDemandPreference(LinearExprBuilder objective, long fetchBound)
        {
            var expecting = _x.Where(p => index.IsUnplaced(p.Key) && index.Vms[p.Key].ExpectedCpu is not null).ToList();
            if (expecting.Count == 0 || !index.Nodes.Any(n => n.LiveCpuFree is not null)) return null;
            long Free(int n) => index.Nodes[n].LiveCpuFree ?? index.Nodes[n].Capacity.Cpu;
            var reachable = expecting.SelectMany(p => p.Value.Nodes).Distinct().ToList();
            var (most, least) = (reachable.Max(Free), reachable.Min(Free));
            // One unit of expected demand beyond a node's live room outweighs every fetch and every difference of room together.
            var beyond = expecting.Count * (most - least) + fetchBound * FetchSecondAsRoom + 1;
            var landing = new Dictionary<int, LinearExprBuilder>();
            long total = 0;
            foreach (var (v, (nodes, vars)) in expecting)
            {
                var expected = (long)Math.Max(0, index.Vms[v].ExpectedCpu!.Value);
                total += expected;
                for (var j = 0; j < nodes.Length; j++)
                {
                    if (expected > 0)
                    {
                        if (!landing.TryGetValue(nodes[j], out var sum)) landing[nodes[j]] = sum = LinearExpr.NewBuilder();
                        sum.AddTerm(vars[j], expected);
                    }
                    if (most - Free(nodes[j]) is > 0 and var lessRoom) objective.AddTerm(vars[j], lessRoom);
                }
            }
            foreach (var (n, sum) in landing)
            {
                var over = model.NewIntVar(0, total, $"over_{n}");
                model.Add(over >= sum - Math.Max(0, Free(n))); // on an overloaded node all that lands is beyond its room
                objective.AddTerm(over, beyond);
            }
            return FetchSecondAsRoom;
        }

        public ImmutableDictionary<string, string> Read(CpSolver solver)
        {
            var target = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (var v = 0; v < index.Vms.Length; v++)
            {
                var node = index.Host[v];
                if (_x.TryGetValue(v, out var x))
                    for (var j = 0; j < x.Nodes.Length; j++)
                        if (solver.BooleanValue(x.Vars[j])) { node = x.Nodes[j]; break; }
                target[index.Vms[v].Id] = index.Nodes[node].Name;
            }
            return target.ToImmutable();
        }

        public ProblemIndex Index => index;

        public CpModel Model => model;

        public ILiteral? On(int v, int n)
        {
            if (!_x.TryGetValue(v, out var x)) return index.Host[v] == n ? model.TrueLiteral() : null;
            var j = Array.IndexOf(x.Nodes, n);
            return j < 0 ? null : x.Vars[j];
        }

        public IEnumerable<int> PossibleNodes(int v) => _x.TryGetValue(v, out var x) ? x.Nodes : [index.Host[v]];

        /// <summary>
        /// Nodes with room, most room first: where evicted VMs (or new ones) may go in repair mode. When nodes say what
        /// their live load leaves free (admission), the most live room first among those with room left to allocate.
        /// </summary>
        private int[] SpareNodes(Model.Resources[] staticLoad) =>
            Enumerable.Range(0, index.Nodes.Length)
                .Where(n => !index.Offline[n] && staticLoad[n].FitsIn(index.Nodes[n].Capacity))
                .OrderByDescending(n => index.Nodes[n].LiveCpuFree is { } free && (index.Nodes[n].Capacity - staticLoad[n]) is { Cpu: > 0, MemoryMiB: > 0 }
                    ? free : int.MinValue)
                .ThenByDescending(n => index.Nodes[n].Capacity.Cpu - staticLoad[n].Cpu)
                .ToArray();

        /// <summary>
        /// A bounded candidate set: the VM's host, the greedy's choice, half of the budget among the
        /// roomiest nodes and half in a window that rotates with the VM, so that evicted VMs spread
        /// over the spare nodes instead of all competing for the same few.
        /// </summary>
        private int[] Candidates(int v, int ordinal, int k, int[] spare)
        {
            var allowed = index.Allowed[v];
            if (allowed.Length <= 2 * k) return allowed;
            var chosen = new SortedSet<int>();
            void Offer(int n) { if (Array.BinarySearch(allowed, n) >= 0) chosen.Add(n); }
            if (index.Host[v] >= 0) Offer(index.Host[v]);
            if (hint is not null && hint[v] >= 0) Offer(hint[v]);
            for (var i = 0; i < spare.Length && chosen.Count < k / 2 + 2; i++) Offer(spare[i]);
            for (var i = 0; i < spare.Length && chosen.Count < k + 2; i++) Offer(spare[(ordinal * (k / 2) + i) % spare.Length]);
            return [.. chosen];
        }
    }
}
