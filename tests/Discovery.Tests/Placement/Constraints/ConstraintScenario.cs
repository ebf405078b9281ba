using System.Collections.Immutable;
using Discovery.Cli.Bench;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Discovery.Placement.Constraints;

namespace Discovery.Tests.Placement.Constraints;

/// <summary>What the per-constraint tests share: a small scenario, states, and the random agreement check.</summary>
internal static class ConstraintScenario
{
    // One worker: CP-SAT with a fixed seed is then deterministic, so the agreement counts below are exact figures.
    public static readonly SolverOptions Options = new(TimeSpan.FromSeconds(5), Workers: 1);

    /// <summary>
    /// n1 is overloaded by a (300 CPU, 1 GiB) and b (200 CPU, 2 GiB); n2 hosts c (100), n3 hosts d (250).
    /// Unconstrained, the cheapest repair is a -> n2 (the only node with room for it); the next
    /// cheapest, b -> n2, costs one more GiB. Each constraint test forbids the first.
    /// </summary>
    public static PlacementProblem Overloaded(params PlacementConstraint[] constraints)
    {
        var p = new Problems().Node("n1").Node("n2").Node("n3")
            .Vm("a", "n1", 300, 1024).Vm("b", "n1", 200, 2048)
            .Vm("c", "n2", 100, 1024).Vm("d", "n3", 250, 1024);
        foreach (var c in constraints) p.With(c);
        return p.Build();
    }

    /// <summary>The unconstrained repair of <see cref="Overloaded"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unconstrained =
        new Dictionary<string, string> { ["a"] = "n2", ["b"] = "n1", ["c"] = "n2", ["d"] = "n3" };

    /// <summary>The repair of <see cref="Overloaded"/> that moves b instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> BMoves =
        new Dictionary<string, string> { ["a"] = "n1", ["b"] = "n2", ["c"] = "n2", ["d"] = "n3" };

    public static PlacementState State(params (string Vm, string Node)[] placement) =>
        new(["n1", "n2", "n3"], placement.Select(p => KeyValuePair.Create(p.Vm, p.Node)));

    public static PlacementState State(IReadOnlyDictionary<string, string> placement) => new(["n1", "n2", "n3"], placement);

    public static List<string> Final(PlacementConstraint c, PlacementState s) => [.. ConstraintRegistry.Checker(c).Final(c, s)];

    public static List<string> Landing(PlacementConstraint c, PlacementState during, string vm, string node, PlacementState final) =>
        [.. ConstraintRegistry.Checker(c).Landing(c, during, vm, node, final)];

    /// <summary>CP-SAT's target for <paramref name="problem"/>, which must be solved.</summary>
    public static IReadOnlyDictionary<string, string> CpSat(PlacementProblem problem)
    {
        var result = new CpSatPlacementSolver().Solve(problem, Options);
        Assert.True(result.IsSolved, $"{result.Status}: {result.Detail}");
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result.Target;
    }

    /// <summary>
    /// 20 seeded random instances (6 nodes x 4 VMs, at <paramref name="targetLoad"/>) carrying one constraint drawn by <paramref name="draw"/>:
    /// every solved result passes the full checker, CP-SAT solves whatever the greedy solves, and each solves exactly
    /// <paramref name="solved"/> of them (the instances are seeded and small enough for CP-SAT to settle each well within its limit).
    /// </summary>
    public static void Agreement(Func<string[], string[], Random, PlacementConstraint> draw, (int CpSat, int Greedy) solved, double targetLoad = 0.9)
    {
        int greedySolved = 0, cpsatSolved = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var problem = InstanceGenerator.Generate(nodes: 6, vmsPerNode: 4, seed: 500 + seed, targetLoad);
            var random = new Random(seed);
            problem = problem with { Constraints = [draw([.. problem.Vms.Select(v => v.Id)], [.. problem.Nodes.Select(n => n.Name)], random)] };
            var greedy = new GreedyPlacementSolver().Solve(problem, Options);
            var cpsat = new CpSatPlacementSolver().Solve(problem, Options);
            foreach (var r in new[] { greedy, cpsat }.Where(r => r.IsSolved))
            {
                var errors = PlacementChecker.CheckPlan(problem, r.Target, r.Plan);
                Assert.True(errors.Count == 0, $"seed {seed}, {r.Solver}: {string.Join("; ", errors)}");
            }
            if (greedy.IsSolved) Assert.True(cpsat.IsSolved, $"greedy solved seed {seed}, cpsat said {cpsat.Status}: {cpsat.Detail}");
            greedySolved += greedy.IsSolved ? 1 : 0;
            cpsatSolved += cpsat.IsSolved ? 1 : 0;
        }
        // Not vacuous: the checks above ran on this many solutions.
        Assert.Equal(solved, (cpsatSolved, greedySolved));
    }

    /// <summary><paramref name="count"/> distinct names drawn from <paramref name="from"/>.</summary>
    public static ImmutableArray<string> Some(string[] from, int count, Random random) => [.. from.OrderBy(_ => random.Next()).Take(count)];
}
