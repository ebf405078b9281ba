using Discovery.Environments;

namespace Discovery.Cli;

/// <summary>
/// What <c>ve submit --wait</c> prints while it waits: the VE as submitted (as <c>ve show</c> prints it; with
/// <paramref name="json"/>, one summary line), then one line per change, stamped with the local time. With
/// <paramref name="json"/> all of it goes to stderr: stdout keeps only the final JSON.
/// </summary>
public sealed class WaitPrinter(bool json, TimeProvider time) : IProgress<VeView>
{
    private readonly TextWriter _output = json ? Console.Error : Console.Out;
    private VeView? _last;

    /// <summary>Change lines printed so far.</summary>
    public int Changes { get; private set; }

    /// <inheritdoc />
    public void Report(VeView value)
    {
        if (_last is null)
        {
            if (!json) VeCommands.Print(value);
            else _output.WriteLine(VeCommands.Headline(value));
        }
        else
        {
            foreach (var line in Lines(_last, value))
            {
                _output.WriteLine($"  {time.GetLocalNow():HH:mm:ss}  {line}");
                Changes++;
            }
        }
        _last = value;
    }

    /// <summary>
    /// What changed from <paramref name="before"/> to <paramref name="after"/>, a line each: every VM whose state, host or
    /// reason changed (<c>web1 Running on node-0004</c>), then the VE's state or reason (<c>Pending: REASON</c>, <c>Running</c>).
    /// </summary>
    public static IEnumerable<string> Lines(VeView before, VeView after)
    {
        var previous = before.Vms.ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var vm in after.Vms)
            if (!previous.TryGetValue(vm.Name, out var was) || (was.State, was.Host, was.Reason) != (vm.State, vm.Host, vm.Reason))
                yield return $"{vm.Name} {vm.State}{(vm.Host is null ? "" : " on " + vm.Host)}{(vm.Reason is null ? "" : ": " + vm.Reason)}";
        if (before.State != after.State || before.Reason != after.Reason)
            yield return $"{after.State}{(after.Reason is null ? "" : ": " + after.Reason)}";
    }
}
