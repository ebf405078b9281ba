using System.Text.Json;
using Discovery.Cli;
using Discovery.Cli.Bench;

namespace Discovery.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Bench_solver_writes_the_documented_json()
    {
        var file = Path.GetTempFileName();
        try
        {
            var exit = DiscoveryCommand.Build().Parse(["bench", "solver", "--nodes", "6", "--vms-per-node", "5", "--instances", "4", "--json", file]).Invoke();
            Assert.Equal(0, exit);
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(4, json.RootElement.GetProperty("instances").GetInt32());
            foreach (var solver in new[] { "cpsat", "greedy" })
                foreach (var key in new[] { "solved", "p50Ms", "p95Ms", "meanMigrations", "meanMovedMiB" })
                    Assert.True(json.RootElement.GetProperty(solver).TryGetProperty(key, out _), $"{solver}.{key} missing");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Bench_figures_come_from_checked_plans()
    {
        var report = SolverBenchmark.Run(new SolverBenchmarkSettings(Nodes: 8, VmsPerNode: 6, Instances: 5, Seed: 3));
        Assert.Equal(0, report.Cpsat.CheckerFailures);
        Assert.Equal(0, report.Greedy.CheckerFailures);
        Assert.Equal((5, 2), (report.Cpsat.Solved, report.Greedy.Solved)); // seeded instances: CP-SAT solves all five, the greedy two
    }

    [Theory]
    [InlineData("bench", "solver", "--nodes", "0")]
    [InlineData("bench", "solver", "--time-limit", "-1")]
    [InlineData("simulate", "--nodes", "abc")]
    public void Bad_options_are_refused_with_a_message(params string[] args)
    {
        var result = DiscoveryCommand.Build().Parse(args);
        Assert.NotEmpty(result.Errors);
    }
}
