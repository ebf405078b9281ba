using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement;
using Discovery.Placement.Admission;
using Discovery.Placement.Checking;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>Where a VE's VMs without a node go (<see cref="Target"/>: VM id to node), or why they cannot be placed.</summary>
public sealed record VePlan(IReadOnlyDictionary<string, string>? Target, string? Unplaceable);

/// <summary>
/// Places one VE's VMs that have no node: admitted by allocation within the <see cref="AdmissionPolicy"/>, on a
/// sample of the nodes its constraints allow, growing each round, preferring the nodes whose live load leaves
/// the most room for each VM's expected demand; checked by the independent checker, explained over every node
/// when nothing fits. VMs coming back from a dead node have their own tier beyond the ratios (<see cref="VePlacement.Restoring"/>). One per VE activation
/// (its sample counter gives a fresh, reproducible sample at each try).
/// </summary>
public sealed class VePlacer(string ve, IGrainFactory grains, InfrastructureClock clock, AdmissionPolicy admission, int fanOutWidth, ILogger logger)
{
    /// <summary>First placement round: this many nodes allowed by the VE's constraints, sampled, besides the VE's own.</summary>
    public const int FirstSample = 64;

    /// <summary>
    /// An admission solve stops at 0.5 s with the best placement found (the greedy's is its floor): proving the preference
    /// optimal took CP-SAT its whole 2 s on a loaded cluster, and a VE waits for its solve.
    /// </summary>
    public static readonly SolverOptions AdmissionSolve = SolverOptions.Default with { TimeLimit = TimeSpan.FromSeconds(0.5) };

    private int _placements;

    /// <summary>
    /// The plan for <paramref name="toPlace"/> under the VE's <paramref name="constraints"/> and those of other VEs
    /// that restrict them; <paramref name="vms"/>: all the VE's VMs (their nodes are always in the sample).
    /// </summary>
    public async Task<VePlan> PlanAsync(IReadOnlyList<VeVm> toPlace, IReadOnlyList<VeVm> vms, IReadOnlyList<PlacementConstraint> constraints)
    {
        // The directory is in memory: a stopped VE's constraints may have gone with a silo since it last ran.
        var directory = grains.ConstraintDirectory();
        await directory.SetAsync(ve, [.. constraints]);
        var all = (await directory.RestrictingOthersAsync(ve)).AddRange(constraints);
        var (problem, result) = await SolveAsync(toPlace, vms, all);
        var violations = result.IsSolved ? PlacementChecker.CheckPlan(problem, result.Target, result.Plan) : [];
        if (result.IsSolved && violations.Count == 0) return new(result.Target, null);
        return new(null, result.IsSolved ? "the placement found breaks: " + string.Join("; ", violations) : Unplaceable(problem, result));
    }

    /// <summary>
    /// Solves on a sample of the nodes the constraints allow (plus the nodes running the VE's VMs),
    /// four times larger at each failed round, every allowed node at the last: a VE looks at a few
    /// dozen nodes, not at the whole cluster, unless it must. The last round's problem explains a failure.
    /// </summary>
    private async Task<(PlacementProblem, PlacementResult)> SolveAsync(IReadOnlyList<VeVm> toPlace, IReadOnlyList<VeVm> vms, ImmutableArray<PlacementConstraint> constraints)
    {
        var all = (await grains.NodeDirectory().NodesAsync()).ToList();
        var allowed = CandidateNodes.Allowed(all, [.. toPlace.Select(v => v.Id)], constraints);
        var own = vms.Select(v => v.Host).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var random = new Random(StableHash(ve) + _placements++); // reproducible runs, a fresh sample at each try
        var shuffled = allowed.OrderBy(_ => random.Next()).ToList();
        for (var size = FirstSample; ; size *= 4)
        {
            var last = size >= shuffled.Count;
            var sample = own.Concat(shuffled.Take(size)).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var nodes = await SnapshotNodesAsync(sample.Order(StringComparer.Ordinal));
            var problem = await WithImagesAsync(VePlacement.Admission(nodes, toPlace.Select(v => v.Spec), constraints, admission), toPlace, nodes);
            var result = await grains.Solver().SolveAdmissionAsync(problem, AdmissionSolve, SolverKind.CpSat);
            if (result.Status == PlacementStatus.TimedOut) // nothing found that fast: the full time before a larger sample
                result = await grains.Solver().SolveAdmissionAsync(problem, SolverOptions.Default, SolverKind.CpSat);
            if (result.IsSolved) return (problem, result);
            if (!last) continue;
            if (toPlace.Any(v => v.Restoring))
            {
                // VMs that were running come back beyond the ratios when admission has no room: on the live load, at their expected demand.
                var relaxed = VePlacement.Restoring(nodes, toPlace.Select(v => v.Spec), constraints, toPlace.Where(v => v.Restoring).Select(v => v.Id).ToHashSet());
                var second = await grains.Solver().SolveAdmissionAsync(relaxed, SolverOptions.Default, SolverKind.CpSat);
                if (second.IsSolved) return (relaxed, second);
            }
            // Explained over every node: those the constraints exclude count too (empty here: excluded all the same).
            var capacities = await grains.NodeDirectory().CapacitiesAsync();
            var excluded = all.Where(n => !sample.Contains(n) && capacities.ContainsKey(n))
                .Select(n => new NodeSnapshot(n, "", capacities[n], [], false, clock.Now));
            return (VePlacement.Admission([.. nodes, .. excluded], toPlace.Select(v => v.Spec), constraints, admission), result);
        }
    }

    /// <summary><paramref name="problem"/> with each new VM's image and the catalogue's estimate of bringing it to each node.</summary>
    private Task<PlacementProblem> WithImagesAsync(PlacementProblem problem, IReadOnlyList<VeVm> toPlace, IReadOnlyList<NodeSnapshot> nodes)
    {
        var image = toPlace.ToDictionary(v => v.Id, v => v.Spec.Image, StringComparer.Ordinal);
        var withImages = problem with { Vms = [.. problem.Vms.Select(v => v.Host is null && image.TryGetValue(v.Id, out var i) ? v with { Image = i } : v)] };
        return Images.ImageFetchCosts.AddAsync(grains, withImages, nodes.ToDictionary(n => n.Node, n => n.Site, StringComparer.Ordinal), logger, $"VE {ve}");
    }

    /// <summary>The nodes' snapshots (<paramref name="only"/> those, else every node in the directory); a node that does not answer is left out.</summary>
    public async Task<IReadOnlyList<NodeSnapshot>> SnapshotNodesAsync(IEnumerable<string>? only = null)
    {
        var names = only ?? await grains.NodeDirectory().NodesAsync();
        var answered = await FanOut.AnsweredAsync(names, n => grains.GetGrain<INodeGrain>(n).GetSnapshotAsync(),
            onFailure: (n, e) => logger.LogWarning("VE {Ve}: node {Node} did not answer ({Message}); not a candidate", ve, n, e.Message), fanOutWidth); // Skip
        return [.. answered.Select(a => a.Result)];
    }

    /// <summary>A hash of <paramref name="text"/> that is the same in every process (string.GetHashCode is not).</summary>
    internal static int StableHash(string text)
    {
        var hash = 2166136261u; // FNV-1a: string.GetHashCode differs from one process to the next
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }

    /// <summary>The reasons, with the admission policy they were judged by (room is what the ratios leave to allocate).</summary>
    private string Unplaceable(PlacementProblem problem, PlacementResult result)
    {
        var reasons = UnplaceableReason.Explain(problem);
        if (reasons.Count == 0) return result.Detail ?? result.Status.ToString();
        var text = string.Join("; ", reasons);
        return reasons.Any(r => r.Contains(" free", StringComparison.Ordinal)) ? $"{text} (admission allocates {admission.Describe()})" : text;
    }
}
