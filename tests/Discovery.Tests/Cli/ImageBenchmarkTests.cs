using System.Text.Json;
using Discovery.Cli;

namespace Discovery.Tests.Cli;

/// <summary><c>bench image</c> end to end on a tiny layout: every VM runs in every strategy, the JSON holds the figures, bad options exit 2.</summary>
public sealed class ImageBenchmarkTests
{
    [Fact]
    public void A_tiny_run_writes_every_strategy_the_broadcast_and_the_targets()
    {
        var file = Path.GetTempFileName();
        try
        {
            var exit = DiscoveryCommand.Build().Parse(["bench", "image", "--ves", "6", "--pops", "2", "--nodes-per-pop", "4", "--broadcast-pops", "2", "--arrival-seconds", "10", "--json", file]).Invoke();
            Assert.Equal(0, exit);
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var strategies = json.RootElement.GetProperty("strategies").EnumerateArray().ToList();
            Assert.Equal(3, strategies.Count);
            Assert.All(strategies, s => Assert.Equal((12, 0), (s.GetProperty("running").GetInt32(), s.GetProperty("notRunning").GetInt32())));
            var broadcast = json.RootElement.GetProperty("broadcast").EnumerateArray().ToList();
            Assert.Equal([8, 8, 8], broadcast.Select(b => b.GetProperty("result").GetProperty("running").GetInt32()));
            Assert.Equal(4, json.RootElement.GetProperty("targets").GetArrayLength());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--ves", "0")]
    [InlineData("--zipf", "-1")]
    [InlineData("--broadcast-pops", "-3")]
    [InlineData("--ves", "5000", "--pops", "1", "--nodes-per-pop", "2")]
    public void Bad_options_exit_2(params string[] options)
    {
        Assert.Equal(2, DiscoveryCommand.Build().Parse(["bench", "image", .. options]).Invoke());
    }
}
