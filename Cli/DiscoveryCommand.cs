using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Discovery.Cli.Bench;
using Discovery.Cli.Simulation;
using Discovery.Placement;

namespace Discovery.Cli;

/// <summary>The <c>discovery</c> command line.</summary>
public static class DiscoveryCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Discovery: distributed, cooperative management of VMs across many small data centres.");
        var bench = new Command("bench", "Benchmarks (commands, never timed tests): figures go into BENCHMARKS.md.");
        bench.Subcommands.Add(BenchSolver());
        root.Subcommands.Add(bench);
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(NodeCommands.Node());
        root.Subcommands.Add(NodeCommands.Drain());
        return root;
    }

    private static Command BenchSolver()
    {
        var nodes = Positive("--nodes", 16, "Nodes per instance.");
        var vms = Positive("--vms-per-node", 10, "VMs per node (demand per vCPU ~ Normal(70, 30), average load 85 %).");
        var instances = Positive("--instances", 100, "Random instances to solve.");
        var seed = new Option<int>("--seed") { Description = "Seed of the first instance; instance i uses seed + i.", DefaultValueFactory = _ => 1 };
        var timeLimit = new Option<double>("--time-limit") { Description = "CP-SAT time limit per solve, seconds.", DefaultValueFactory = _ => 2 };
        timeLimit.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var v && !(v > 0)) r.AddError($"--time-limit must be a positive number of seconds, got {v}"); });
        var workers = Positive("--workers", 2, "CP-SAT search workers (this machine has 2 cores).");
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to FILE." };
        var load = new Option<double>("--load") { Description = "Average CPU load of the generated instances (0.85 = the seed's 85 %).", DefaultValueFactory = _ => 0.85 };
        load.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var v && !(v > 0 && v <= 2)) r.AddError($"--load must be within (0, 2], got {v}"); });

        var command = new Command("solver", """
            Solves random instances with the CP-SAT placement solver and the first-fit-decreasing
            greedy baseline, in the same run, and prints a table. Every plan is checked by the
            independent checker. Example: discovery bench solver --nodes 16 --vms-per-node 10 --instances 100
            """) { nodes, vms, instances, seed, timeLimit, workers, load, json };
        command.SetAction(parse =>
        {
            var settings = new SolverBenchmarkSettings(parse.GetValue(nodes), parse.GetValue(vms), parse.GetValue(instances),
                parse.GetValue(seed), parse.GetValue(timeLimit), parse.GetValue(workers), parse.GetValue(load));
            Console.Error.WriteLine($"{settings.Instances} instance(s) of {settings.Nodes} nodes x {settings.VmsPerNode} VMs at {settings.TargetLoad:P0} load, seed {settings.Seed}, time limit {settings.TimeLimitSeconds} s");
            var report = SolverBenchmark.Run(settings, (done, c, g) => Progress.Report(done, settings.Instances,
                $"cpsat {c.Status} {c.SolveTime.TotalMilliseconds:0} ms, greedy {g.Status} {g.SolveTime.TotalMilliseconds:0} ms"));
            Progress.Done();
            PrintTable(report);
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(report, SolverBenchmark.Json));
                Console.Error.WriteLine($"wrote {file.FullName}");
            }
            return report.Cpsat.CheckerFailures + report.Greedy.CheckerFailures == 0 ? 0 : 1;
        });
        return command;
    }

    private static void PrintTable(SolverBenchmarkReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"{"solver",-8} {"solved",7} {"optimal",8} {"p50 ms",9} {"p95 ms",9} {"max ms",9} {"migr.",7} {"moved MiB",10} {"no sol.",8} {"timeout",8} {"unsafe",7} {"checker",8}");
        foreach (var (name, f) in new[] { ("cpsat", r.Cpsat), ("greedy", r.Greedy) })
            Console.WriteLine(string.Format(c, "{0,-8} {1,7} {2,8} {3,9:0.0} {4,9:0.0} {5,9:0.0} {6,7:0.00} {7,10:0} {8,8} {9,8} {10,7} {11,8}",
                name, $"{f.Solved}/{r.Instances}", f.Optimal, f.P50Ms, f.P95Ms, f.MaxMs, f.MeanMigrations, f.MeanMovedMiB, f.NoSolution, f.TimedOut, f.NoSafePlan, f.CheckerFailures));
        Console.WriteLine($"solved by cpsat only: {r.SolvedByCpsatOnly}; by greedy only: {r.SolvedByGreedyOnly}; cpsat moved less memory on {r.CpsatMovedLessThanGreedy}, more on {r.CpsatMovedMoreThanGreedy} of the instances both solved");
    }

    private static Option<int> Positive(string name, int fallback, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v < 1) r.AddError($"{name} must be at least 1, got {v}"); });
        return option;
    }
}
