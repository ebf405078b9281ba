using System.CommandLine;
using System.Text.Json;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Language;

namespace Discovery.Cli;

/// <summary><c>discovery ve</c>: VEs described in the VE language.</summary>
public static class VeCommands
{
    public static Command Ve()
    {
        var ve = new Command("ve", "VEs (virtual environments) described in the VE language: check a file, submit it, operate it.");
        ve.Subcommands.Add(Check());
        ve.Subcommands.Add(Submit());
        ve.Subcommands.Add(List());
        ve.Subcommands.Add(Show());
        foreach (var (name, description, act) in new (string, string, Func<DiscoveryClient, string, CancellationToken, Task<VeView>>)[]
        {
            ("start", "Starts a stopped or failed VE (its VMs are placed again where their room is gone).", (c, v, t) => c.StartAsync(v, t)),
            ("stop", "Stops every VM of the VE (they release CPU and memory, keep their definition).", (c, v, t) => c.StopAsync(v, t)),
            ("suspend", "Pauses every VM of a running VE (memory kept).", (c, v, t) => c.SuspendAsync(v, t)),
            ("resume", "Resumes a suspended VE.", (c, v, t) => c.ResumeAsync(v, t)),
            ("delete", "Destroys and forgets every VM of the VE.", (c, v, t) => c.DeleteAsync(v, t)),
        })
            ve.Subcommands.Add(Operation(name, description, act));
        return ve;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Argument<string> VeName() => new("ve") { Description = "The VE, as tenant/name." };

    private static Command Submit()
    {
        var file = new Argument<FileInfo>("file") { Description = "The VE file." };
        var name = new Option<string?>("--name") { Description = "The VE's key, tenant/name (default: default/FILE-NAME)." };
        var wait = new Option<bool>("--wait") { Description = "Wait while the VE is Pending, printing each change (its state, its reason, a VM's state or host) as it happens." };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = $"With --wait: how long to wait ({Duration.Examples}; default {Duration.Format(DiscoveryClient.DefaultVeWaitTimeout)}).",
            CustomParser = r =>
            {
                if (Duration.TryParse(r.Tokens.Single().Value, out var value, out var error)) return value;
                r.AddError($"--timeout: {error}");
                return null;
            },
        };
        var json = JsonOption();
        var command = new Command("submit", $"""
            Submits a VE file to the cluster: it is compiled there against the cluster's nodes (every error as
            FILE:LINE:COL: message, exit 1), placed and started. Prints the VE: Running, or Pending with the reason.
            With --wait, prints the VE, then one line per change while it is Pending, then the VE as it ended: exit 0
            when Running, {ClusterConnection.StillPending} when still Pending after --timeout (the VE stays submitted: the message says how to
            follow or delete it), {ClusterConnection.NotRunning} when it ended otherwise (stopped, failed or deleted meanwhile). With --json, the
            change lines go to stderr and only the final VE, as JSON, to stdout.
            Example: discovery ve submit shop.ve --name alice/shop --wait --timeout 2m
            """) { file, name, wait, timeout, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (parse.GetValue(timeout) is not null && !parse.GetValue(wait))
            {
                Console.Error.WriteLine("discovery ve submit: --timeout applies to --wait: give both");
                return Task.FromResult(ClusterConnection.Usage);
            }
            if (Read(path) is not { } text) return Task.FromResult(ClusterConnection.Usage);
            var key = parse.GetValue(name) ?? $"default/{Path.GetFileNameWithoutExtension(path.Name).ToLowerInvariant()}";
            var asJson = parse.GetValue(json);
            return ClusterConnection.RunAsync(parse, connection, async client =>
            {
                if (!parse.GetValue(wait))
                {
                    Print(await client.SubmitAsync(key, text, path.ToString(), ct), asJson);
                    return 0;
                }
                var limit = parse.GetValue(timeout) ?? DiscoveryClient.DefaultVeWaitTimeout;
                var printer = new WaitPrinter(asJson, TimeProvider.System);
                VeView ended;
                try
                {
                    ended = await client.SubmitAndWaitAsync(key, text, path.ToString(), printer, limit, ct);
                }
                catch (VeWaitTimeoutException e)
                {
                    if (asJson || printer.Changes > 0) Print(e.LastView, asJson); // else it is on screen as it stands
                    Console.Error.WriteLine($"discovery: {key} still {e.LastView.State} after {Duration.Format(limit)}: {e.LastView.Reason ?? "no reason given"}. " +
                        $"The VE stays submitted; follow it with `discovery ve show {key}` or `discovery watch`, or delete it with `discovery ve delete {key}`");
                    return ClusterConnection.StillPending;
                }
                if (printer.Changes > 0 || asJson) Print(ended, asJson); // the VE as it ended, unless it was printed so already
                if (ended.State == VeState.Running) return 0;
                Console.Error.WriteLine($"discovery: {key} ended {ended.State}{(ended.Reason is null ? "" : $": {ended.Reason}")}, not Running");
                return ClusterConnection.NotRunning;
            }, ct);
        });
        return command;
    }

    private static Command List()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's VEs." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "Lists the VEs with their state.") { tenant, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var ves = await client.ListVesAsync(parse.GetValue(tenant), ct);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(ves.Select(v => new { ve = v.Ve, state = v.State.ToString() }), Json));
            else
            {
                Console.WriteLine($"{"VE",-40} STATE");
                foreach (var v in ves) Console.WriteLine($"{v.Ve,-40} {v.State}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var ve = VeName();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("show", "Shows a VE: state, reason, VMs with state and host, constraints, last transitions.") { ve, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var view = await client.GetVeAsync(parse.GetValue(ve)!, ct);
            if (parse.GetValue(json)) PrintJson(view);
            else
            {
                Print(view);
                foreach (var c in view.Constraints) Console.WriteLine($"  constraint {VePrinter.Statement(c)}");
                foreach (var t in view.Transitions.TakeLast(10)) Console.WriteLine($"  {t}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Command Operation(string name, string description, Func<DiscoveryClient, string, CancellationToken, Task<VeView>> act)
    {
        var ve = VeName();
        var json = JsonOption();
        var command = new Command(name, description + " Repeating one that already holds does nothing.") { ve, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            Print(await act(client, parse.GetValue(ve)!, ct), parse.GetValue(json));
            return 0;
        }, ct));
        return command;
    }

    private static void PrintJson(VeView view) => Console.WriteLine(JsonSerializer.Serialize(new
    {
        ve = view.Id, state = view.State.ToString(), view.Reason, view.Operation,
        vms = view.Vms.Select(v => new { name = v.Name, id = v.Id, state = v.State.ToString(), host = v.Host, vcpus = v.Spec.VCpus, memoryMiB = v.Spec.MemoryMiB,
            cpu = CpuPercent.Format(v.Spec.VCpus, v.Spec.CpuDemand), reason = v.Reason }),
        constraints = view.Constraints.Select(VePrinter.Statement),
        transitions = view.Transitions.Select(t => t.ToString()),
    }, Json));

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the VE as JSON instead of text." };

    private static void Print(VeView ve, bool json)
    {
        if (json) PrintJson(ve);
        else Print(ve);
    }

    /// <summary>A VE's first line as the CLI prints it: <c>alice/shop: Pending (REASON)</c>.</summary>
    internal static string Headline(VeView ve) => $"{ve.Id}: {ve.State}{(ve.Reason is null ? "" : $" ({ve.Reason})")}";

    /// <summary>The VE as <c>ve show</c> prints it: its state and reason, then a line per VM.</summary>
    internal static void Print(VeView ve)
    {
        Console.WriteLine(Headline(ve));
        foreach (var vm in ve.Vms)
            Console.WriteLine($"  {vm.Name,-16} {vm.State,-10} {vm.Host ?? "-",-14} {vm.Spec.VCpus} vCPU {vm.Spec.MemoryMiB,6} MiB{(vm.Reason is null ? "" : "  " + vm.Reason)}");
    }

    private static Command Check()
    {
        var file = new Argument<FileInfo>("file") { Description = "The VE file." };
        var infrastructure = new Option<FileInfo?>("--infrastructure") { Description = "An infrastructure file: node names are then checked, and spreads that can never hold are reported." };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON (valid, errors with file, line, column and message, VMs, constraints)." };
        var command = new Command("check", """
            Checks a VE file without any cluster: every error is printed as FILE:LINE:COL: message.
            Exit code 0 when the file is valid, 1 when it has errors, 2 on wrong usage (a file that cannot be read).
            Example: discovery ve check shop.ve --infrastructure rennes.infra
            """) { file, infrastructure, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (Read(path) is not { } text) return 2;
            var errors = new List<LanguageError>();
            IReadOnlySet<string>? nodes = null;
            if (parse.GetValue(infrastructure) is { } infraFile)
            {
                if (Read(infraFile) is not { } infraText) return 2;
                var infra = InfrastructureCompiler.Compile(infraText, infraFile.ToString());
                errors.AddRange(infra.Errors);
                nodes = infra.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            }
            var result = VeCompiler.Compile(text, path.ToString(), Path.GetFileNameWithoutExtension(path.Name), errors.Count == 0 ? nodes : null);
            errors.AddRange(result.Errors);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    valid = errors.Count == 0,
                    errors = errors.Select(e => new { file = e.File, line = e.At.Line, column = e.At.Column, message = e.Message }),
                    vms = result.Ve?.Vms.Length ?? 0,
                    constraints = result.Ve?.Constraints.Length ?? 0,
                }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            else if (errors.Count > 0)
                foreach (var e in errors) Console.WriteLine(e);
            else
                Console.WriteLine($"{path}: valid, {result.Ve!.Vms.Length} VM(s), {result.Ve.Constraints.Length} constraint(s)" +
                    (nodes is null ? " (node names not checked: give --infrastructure)" : $", on {nodes.Count} node(s)"));
            return errors.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static string? Read(FileInfo file)
    {
        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"discovery ve: cannot read {file}: {e.Message}");
            return null;
        }
    }
}
