using System.Collections.Immutable;
using Discovery.Cli;
using Discovery.Environments;
using Discovery.Model;

namespace Discovery.Tests.Cli;

/// <summary>The change lines of <c>ve submit --wait</c> and its <c>--timeout</c> values.</summary>
public sealed class WaitPrinterTests
{
    private static VeView View(VeState state, string? reason, params VeVm[] vms) => new("alice/shop", state, [.. vms], [], reason, null, []);

    private static VeVm Vm(string name, VmState state, string? host, string? reason = null) => new(name, new VmSpec($"alice.shop.{name}", 1, 1024, "img"), state, host, reason);

    [Fact]
    public void Each_vm_that_changed_then_the_ve_get_a_line_and_nothing_else_does()
    {
        var pending = View(VeState.Pending, "web1 needs 1 vCPU", Vm("web1", VmState.Stopped, null), Vm("db1", VmState.Running, "node-0002"));
        Assert.Empty(WaitPrinter.Lines(pending, pending with { Operation = "place" }));
        Assert.Equal(["Pending: web1 needs 2 vCPU"], WaitPrinter.Lines(pending, pending with { Reason = "web1 needs 2 vCPU" }));
        var running = View(VeState.Running, null, Vm("web1", VmState.Running, "node-0004"), Vm("db1", VmState.Running, "node-0002"));
        Assert.Equal(["web1 Running on node-0004", "Running"], WaitPrinter.Lines(pending, running));
        var failed = View(VeState.Pending, "web1: start failed", Vm("web1", VmState.Stopped, null, "start on node-0004 failed: no room"), Vm("db1", VmState.Running, "node-0002"));
        Assert.Equal(["web1 Stopped: start on node-0004 failed: no room", "Pending: web1: start failed"], WaitPrinter.Lines(running, failed));
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("500ms", 500)]
    [InlineData("00:05:00", 300_000)]
    [InlineData(" 2m ", 120_000)]
    public void Durations_are_read_in_units_or_as_a_timespan(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("5", "'5' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00")]
    [InlineData("5x", "'5x' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00")]
    [InlineData("m", "'m' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00")]
    [InlineData("0s", "a duration must be positive, got '0s'")]
    [InlineData("-00:01:00", "a duration must be positive, got '-00:01:00'")]
    [InlineData("99:99", "'99:99' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00")]
    [InlineData("99999999999h", "'99999999999h' is longer than a duration can be")]
    public void Bad_durations_say_what_to_write(string text, string message)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(2_000, "2s")]
    [InlineData(300_000, "5m")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(500, "500ms")]
    [InlineData(90_000_000, "25h")]
    public void Durations_are_written_back_as_they_are_read(int milliseconds, string text)
    {
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.True(Duration.TryParse(text, out var back, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }

    [Theory]
    [InlineData("--timeout", "5x", "discovery: --timeout: '5x' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00")]
    [InlineData("--timeout", "0s", "discovery: --timeout: a duration must be positive, got '0s'")]
    public void A_bad_timeout_is_wrong_usage(string option, string value, string message)
    {
        var parse = DiscoveryCommand.Build().Parse(["ve", "submit", "shop.ve", "--wait", option, value]);
        Assert.Equal([message], parse.Errors.Select(e => $"discovery: {e.Message}"));
    }
}
