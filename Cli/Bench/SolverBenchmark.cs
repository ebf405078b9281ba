using System.Text.Json;
using System.Text.Json.Serialization;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Cli.Bench;

/// <summary>
/// Random instances with the seed's load law, each solved by CP-SAT and by the greedy baseline in
/// the same run; every plan is validated by the independent checker.
/// </summary>
public static class SolverBenchmark
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static SolverBenchmarkReport Run(SolverBenchmarkSettings settings, Action<int, PlacementResult, PlacementResult>? progress = null)
    {
        var options = new SolverOptions(TimeSpan.FromSeconds(settings.TimeLimitSeconds), settings.Workers);
        IPlacementSolver cpsat = PlacementSolvers.For(SolverKind.CpSat), greedy = PlacementSolvers.For(SolverKind.Greedy);
        var results = new List<(PlacementProblem Problem, PlacementResult Cp, PlacementResult Gr)>();
        for (var i = 0; i < settings.Instances; i++)
        {
            var problem = InstanceGenerator.Generate(settings.Nodes, settings.VmsPerNode, settings.Seed + i, settings.TargetLoad);
            var g = greedy.Solve(problem, options);
            var c = cpsat.Solve(problem, options);
            results.Add((problem, c, g));
            progress?.Invoke(i + 1, c, g);
        }
        var both = results.Where(r => r.Cp.IsSolved && r.Gr.IsSolved).ToList();
        return new SolverBenchmarkReport(settings.Instances, settings.Nodes, settings.VmsPerNode, settings.Seed, settings.TimeLimitSeconds,
            Figures(results.Select(r => (r.Problem, r.Cp))), Figures(results.Select(r => (r.Problem, r.Gr))),
            results.Count(r => r.Cp.IsSolved && !r.Gr.IsSolved), results.Count(r => !r.Cp.IsSolved && r.Gr.IsSolved),
            both.Count(r => r.Cp.MovedMiB < r.Gr.MovedMiB), both.Count(r => r.Cp.MovedMiB > r.Gr.MovedMiB));
    }

    private static SolverFigures Figures(IEnumerable<(PlacementProblem Problem, PlacementResult Result)> runs)
    {
        var list = runs.ToList();
        var solved = list.Where(r => r.Result.IsSolved).ToList();
        var times = list.Select(r => r.Result.SolveTime.TotalMilliseconds).Order().ToList();
        var checkerFailures = solved.Count(r => PlacementChecker.CheckPlan(r.Problem, r.Result.Target, r.Result.Plan).Count > 0);
        return new SolverFigures(
            solved.Count, Percentile(times, 0.50), Percentile(times, 0.95),
            solved.Count == 0 ? 0 : solved.Average(r => r.Result.Migrations),
            solved.Count == 0 ? 0 : solved.Average(r => r.Result.MovedMiB),
            solved.Count(r => r.Result.Optimal),
            list.Count(r => r.Result.Status == PlacementStatus.NoSolution),
            list.Count(r => r.Result.Status == PlacementStatus.TimedOut),
            list.Count(r => r.Result.Status == PlacementStatus.NoSafePlan),
            checkerFailures,
            times.Count == 0 ? 0 : times[^1]);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) => Math.Round(Images.Percentiles.NearestRank(sorted, p), 2);
}
