using System.Collections.Immutable;
using Discovery.Cli.Bench;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Placement;

/// <summary>Property tests with a fixed seed: random instances with random constraints.</summary>
public sealed class RandomisedPlacementTests
{
    private static readonly SolverOptions Options = new(TimeSpan.FromSeconds(5));

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1000, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_plan_passes_the_checker_and_cpsat_solves_whatever_greedy_solves(int seed)
    {
        var problem = WithRandomConstraints(InstanceGenerator.Generate(nodes: 8, vmsPerNode: 6, seed, targetLoad: 0.9), seed);

        var greedy = new GreedyPlacementSolver().Solve(problem, Options);
        var cpsat = new CpSatPlacementSolver().Solve(problem, Options);

        foreach (var r in new[] { greedy, cpsat }.Where(r => r.IsSolved))
            Assert.Empty(PlacementChecker.CheckPlan(problem, r.Target, r.Plan));
        if (greedy.IsSolved) Assert.True(cpsat.IsSolved, $"greedy solved seed {seed}, cpsat said {cpsat.Status}: {cpsat.Detail}");
        if (cpsat.Status == PlacementStatus.NoSolution) Assert.False(greedy.IsSolved);
    }

    private static PlacementProblem WithRandomConstraints(PlacementProblem p, int seed)
    {
        var random = new Random(seed);
        var vms = p.Vms.Select(v => v.Id).ToArray();
        var nodes = p.Nodes.Select(n => n.Name).ToArray();
        ImmutableArray<string> Some(string[] from, int count) => [.. from.OrderBy(_ => random.Next()).Take(count)];
        var constraints = new List<PlacementConstraint>
        {
            new Spread(Some(vms, 3)),
            new Ban(Some(vms, 2), Some(nodes, 2)),
            new Fence(Some(vms, 2), Some(nodes, 5)),
            new Latency(Some(vms, 2), [[.. nodes.Take(4)], [.. nodes.Skip(4)]]),
        };
        if (random.Next(2) == 0) constraints.Add(new Gather(Some(vms, 2)));
        if (random.Next(3) == 0) constraints.Add(new Offline(Some(nodes, 1)));
        if (random.Next(3) == 0) constraints.Add(new Lonely(Some(vms, 1)));
        return p with { Constraints = [.. constraints] };
    }
}
