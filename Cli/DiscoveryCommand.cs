using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Discovery.Cli.Bench;
using Discovery.Cli.Simulation;
using Discovery.Placement;
using Discovery.Scheduling;

namespace Discovery.Cli;

/// <summary>The <c>discovery</c> command line.</summary>
public static class DiscoveryCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Discovery: distributed, cooperative management of VMs across many small data centres.");
        var bench = new Command("bench", "Benchmarks (commands, never timed tests): figures go into BENCHMARKS.md.");
        bench.Subcommands.Add(BenchSolver());
        bench.Subcommands.Add(BenchVe());
        bench.Subcommands.Add(BenchPage());
        bench.Subcommands.Add(BenchToken());
        bench.Subcommands.Add(ImageBenchmark.Command());
        root.Subcommands.Add(bench);
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(NodeCommands.Node());
        root.Subcommands.Add(NodeCommands.Drain());
        root.Subcommands.Add(NodeCommands.Nodes());
        root.Subcommands.Add(NodeCommands.Fault());
        root.Subcommands.Add(NodeCommands.Watch());
        root.Subcommands.Add(VeCommands.Ve());
        root.Subcommands.Add(ImageCommands.Image());
        root.Subcommands.Add(TokenCommands.Token());
        root.Subcommands.Add(Certs.CertsCommand.Build());
        return root;
    }

    private static Command BenchPage()
    {
        var url = new Option<string>("--url") { Description = "The silo's operator page.", DefaultValueFactory = _ => "http://127.0.0.1:8080/" };
        var seconds = new Option<int>("--seconds") { Description = "How long to watch the page poll and redraw.", DefaultValueFactory = _ => 20 };
        var chromium = new Option<string>("--chromium") { Description = "The browser to drive (Debian: apt-get install -y chromium).", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var width = new Option<int>("--width") { Description = "Window width in CSS pixels.", DefaultValueFactory = _ => 1600 };
        var height = new Option<int>("--height") { Description = "Window height in CSS pixels.", DefaultValueFactory = _ => 1000 };
        var screenshot = new Option<string?>("--screenshot") { Description = "Also save a full-page PNG here at the end." };
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON to this file." };
        var command = new Command("page", """
            Loads a running silo's operator page in headless chromium, lets it poll and redraw for --seconds,
            and reports the page's own canvas draw time (p50, p95, max), the browser's frame intervals (a
            frozen page shows as long frames) and the size and fetch time of /api/overview.
            Example (10,240 simulated nodes): start the silo with --Discovery:Simulated:Nodes 10240, then
            discovery bench page --url http://127.0.0.1:8080/ --seconds 30
            """) { url, seconds, chromium, width, height, screenshot, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var browser = parse.GetValue(chromium)!;
            if (!File.Exists(browser))
            {
                Console.Error.WriteLine($"discovery bench page: --chromium '{browser}' does not exist: apt-get install -y chromium, or give its path");
                return 2;
            }
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var page) || page.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"discovery bench page: --url '{parse.GetValue(url)}' is not an http(s) address such as http://127.0.0.1:8080/");
                return 2;
            }
            if (parse.GetValue(seconds) < 1)
            {
                Console.Error.WriteLine($"discovery bench page: --seconds ({parse.GetValue(seconds)}) must be at least 1");
                return 2;
            }
            try
            {
                var r = await PageBenchmark.RunAsync(page, browser, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(width),
                    parse.GetValue(height), parse.GetValue(screenshot), Progress.Report, cancellationToken);
                Progress.Done();
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Format(c, "{0}: {1} nodes, {2} partition(s) drawn", r.Url, r.Nodes, r.Partitions));
                Console.WriteLine(string.Format(c, "canvas draws: {0} in {1:0} s, p50 {2:0.0} ms, p95 {3:0.0} ms, max {4:0.0} ms", r.Draws, r.Seconds, r.DrawP50Ms, r.DrawP95Ms, r.DrawMaxMs));
                Console.WriteLine(string.Format(c, "frames: {0}, interval p50 {1:0.0} ms, p95 {2:0.0} ms, max {3:0.0} ms", r.Frames, r.FrameP50Ms, r.FrameP95Ms, r.FrameMaxMs));
                Console.WriteLine(string.Format(c, "/api/overview: {0:0} KiB, fetch p50 {1:0} ms", r.OverviewBytes / 1024.0, r.OverviewFetchP50Ms));
                if (parse.GetValue(json) is { } file) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(r, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
                return 0;
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"discovery bench page: {parse.GetValue(url)} does not answer ({e.Message}): start a silo first (dotnet run --project Silo)");
                return 3;
            }
        });
        return command;
    }

    /// <summary>Runs the command line: wrong usage (unknown option, missing argument, bad value) exits 2 after its messages.</summary>
    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count == 0) return parse.Invoke();
        foreach (var error in parse.Errors) Console.Error.WriteLine($"discovery: {error.Message}");
        Console.Error.WriteLine("Try 'discovery --help' (or --help after a command).");
        return 2;
    }

    private static Command BenchToken()
    {
        var calls = Positive("--calls", 100_000, "Validations to time (distinct tokens for the first-sight figure).");
        var command = new Command("token", """
            What checking a bearer token costs per call, in microseconds: its first sight (signature, lifetime,
            claims) and every later call with it (silos remember valid tokens until they expire).
            Example: discovery bench token --calls 100000
            """) { calls };
        command.SetAction(async (parse, ct) =>
        {
            var result = await TokenBenchmark.RunAsync(parse.GetValue(calls));
            Console.WriteLine($"{result.Calls:N0} calls: first sight {result.FirstSightMicroseconds:0.0} µs per call, remembered {result.RememberedMicroseconds:0.00} µs per call");
            return 0;
        });
        return command;
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

    private static Command BenchVe()
    {
        var d = new VeBenchmarkSettings();
        var nodes = Positive("--nodes", d.Infrastructure.Nodes, "Simulated nodes (8 cores, 32 GiB each).");
        var vmsPerNode = new Option<int>("--vms-per-node") { Description = "Background VMs of the seed's type per node (5 gives about 43 % CPU load).", DefaultValueFactory = _ => d.Infrastructure.VmsPerNode };
        vmsPerNode.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v < 0) r.AddError($"--vms-per-node must not be negative, got {v}"); });
        var sites = Positive("--sites", d.Infrastructure.Sites, "Sites: fence and latency constraints name a site's nodes.");
        var ves = new Option<int>("--ves") { Description = "VEs to submit; 0 runs the same infrastructure without VEs (what --observe counts then is DVMS's work without them).", DefaultValueFactory = _ => d.Ves };
        ves.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v < 0) r.AddError($"--ves must not be negative, got {v}"); });
        var minVms = Positive("--min-vms", d.MinVms, "Fewest VMs of a VE (1 GiB each; vCPUs from --vcpus).");
        var vcpus = new Option<string>("--vcpus") { Description = "vCPUs of each VE VM: N, or MIN-MAX drawn uniformly (seeded), e.g. 1-4.", DefaultValueFactory = _ => $"{d.MinVCpus}" };
        vcpus.Validators.Add(r => { if (ParseRange(r.GetValueOrDefault<string>() ?? "") is null) r.AddError($"--vcpus must be N or MIN-MAX with 1 <= MIN <= MAX <= 64, got '{r.GetValueOrDefault<string>()}'"); });
        var cpu = new Option<int>("--cpu") { Description = "Expected CPU demand each VE VM declares (cpu: N%), in percent of its vCPUs; the simulated VM starts at it.", DefaultValueFactory = _ => d.CpuPercent };
        cpu.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v is < 0 or > 100) r.AddError($"--cpu must be within 0..100 (percent of the VM's vCPUs), got {v}"); });
        var observe = new Option<double>("--observe") { Description = "Infrastructure seconds, from the first submission, over which DVMS's overload episodes, violation and migrations are counted before the crash (0: not counted). Compare with --ves 0.", DefaultValueFactory = _ => d.ObserveSeconds };
        observe.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var v && !(v >= 0 && v <= 86400)) r.AddError($"--observe must be within [0, 86400] seconds, got {v}"); });
        var maxVms = Positive("--max-vms", d.MaxVms, "Most VMs of a VE.");
        var parallel = Positive("--parallel", d.Parallel, "Submissions in flight at once.");
        var crash = new Option<double>("--crash") { Description = "Share of the nodes crashed at once after the submissions.", DefaultValueFactory = _ => d.CrashFraction };
        crash.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var v && !(v >= 0 && v < 1)) r.AddError($"--crash must be within [0, 1), got {v}"); });
        var speedup = new Option<double>("--speedup") { Description = "Infrastructure seconds per wall second (the grace period and recovery times are infrastructure time).", DefaultValueFactory = _ => 1 };
        speedup.Validators.Add(r => { if (r.GetValueOrDefault<double>() is var v && !(v >= 1 && v <= 100)) r.AddError($"--speedup must be within [1, 100], got {v}"); });
        var seed = new Option<int>("--seed") { Description = "Seed of the VEs, the crashed nodes and the load injector.", DefaultValueFactory = _ => d.Infrastructure.Seed };
        var silos = Positive("--silos", d.Silos, "Silos in this process (Orleans' networking between them), each driving whole sites with its own simulated datacentre.");
        var secure = new Option<bool>("--secure") { Description = "Mutual TLS between the silos, Discovery's call checks on each, and every submission and read carrying an operator's token, as a client's would: what they cost." };
        var killSilo = new Option<bool>("--kill-silo") { Description = "Kill the last silo (an ungraceful stop: its nodes keep running, nothing drives them) instead of crashing nodes, then start it again; needs --silos 2 or more." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to FILE." };
        var command = new Command("ve", """
            Submits random VEs (spread, ban, fence and latency constraints) to an in-process silo over
            simulated nodes with DVMS and the seed's load injector running, then crashes a share of the
            nodes at once: reports VEs placed per second, submit-to-running latency, the VEs left Pending
            and why, the time until every VE VM of the crashed nodes runs again (infrastructure seconds
            from the crash, the grace period included), VMs lost, constraint violations after recovery,
            and whether the nodes' stale copies are destroyed when they come back. Exit code 1 when a
            VE VM is lost, runs twice or breaks a constraint. With --silos K --kill-silo, the last of K silos
            is killed instead: the time until every VE VM of its nodes runs again elsewhere, then it starts
            again and its nodes' stale copies must go (grain state is kept outside the silos, as PostgreSQL does).
            Example: discovery bench ve --nodes 1024 --vms-per-node 5 --ves 1000 --crash 0.05 --json ve.json
            Example: discovery bench ve --nodes 1024 --sites 8 --silos 4 --kill-silo --json kill.json
            Admission (issue 22): --vcpus 1-4 --cpu 50 --observe 300, and the same with --ves 0, give what admitting the VEs costs DVMS.
            Example: discovery bench ve --nodes 1024 --vms-per-node 10 --ves 1000 --vcpus 1-4 --crash 0 --observe 300
            """) { nodes, vmsPerNode, sites, ves, minVms, maxVms, vcpus, cpu, observe, parallel, crash, speedup, seed, silos, killSilo, secure, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(minVms) > parse.GetValue(maxVms))
            {
                Console.Error.WriteLine($"discovery bench ve: --min-vms ({parse.GetValue(minVms)}) must not exceed --max-vms ({parse.GetValue(maxVms)})");
                return 2;
            }
            if (parse.GetValue(sites) > parse.GetValue(nodes))
            {
                Console.Error.WriteLine($"discovery bench ve: --sites ({parse.GetValue(sites)}) must not exceed --nodes ({parse.GetValue(nodes)})");
                return 2;
            }
            if (parse.GetValue(killSilo) && parse.GetResult(crash) is { Implicit: false })
            {
                Console.Error.WriteLine("discovery bench ve: --crash and --kill-silo are two different faults; give one");
                return 2;
            }
            if (parse.GetValue(silos) > parse.GetValue(sites) || (parse.GetValue(killSilo) && parse.GetValue(silos) < 2))
            {
                Console.Error.WriteLine($"discovery bench ve: --silos ({parse.GetValue(silos)}) must be within 1..--sites ({parse.GetValue(sites)}) and at least 2 with --kill-silo");
                return 2;
            }
            var settings = d with
            {
                Silos = parse.GetValue(silos), KillSilo = parse.GetValue(killSilo), Secure = parse.GetValue(secure),
                Infrastructure = d.Infrastructure with
                {
                    Nodes = parse.GetValue(nodes), VmsPerNode = parse.GetValue(vmsPerNode), Sites = parse.GetValue(sites),
                    Speedup = parse.GetValue(speedup), Seed = parse.GetValue(seed),
                },
                Ves = parse.GetValue(ves), MinVms = parse.GetValue(minVms), MaxVms = parse.GetValue(maxVms),
                MinVCpus = ParseRange(parse.GetValue(vcpus)!)!.Value.Min, MaxVCpus = ParseRange(parse.GetValue(vcpus)!)!.Value.Max,
                CpuPercent = parse.GetValue(cpu), ObserveSeconds = parse.GetValue(observe),
                Parallel = parse.GetValue(parallel), CrashFraction = parse.GetValue(crash),
            };
            Console.Error.WriteLine($"VE VMs of {settings.MinVCpus}-{settings.MaxVCpus} vCPU(s) expecting cpu: {settings.CpuPercent}%; admission {new DvmsOptions().Admission.Describe()}");
            Console.Error.WriteLine($"{settings.Ves} VE(s) of {settings.MinVms}-{settings.MaxVms} VMs on {settings.Infrastructure.Nodes} nodes x {settings.Infrastructure.VmsPerNode} VMs in {settings.Infrastructure.Sites} site(s) and {settings.Silos} silo(s), then " +
                (settings.KillSilo ? "the last silo is killed" : $"{settings.CrashFraction:P0} of the nodes crash") + $"; seed {settings.Infrastructure.Seed}");
            var phase = "";
            var report = await VeBenchmark.RunAsync(settings, (name, done, total, detail) =>
            {
                if (name != phase)
                {
                    if (phase != "") Progress.Done();
                    phase = name;
                }
                Progress.Report(done, total, $"{name}: {detail}");
            }, cancellationToken);
            Progress.Done();
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Format(c, "submitted {0} VEs ({1} VMs) in {2:0.0} s: {3:0.0} VEs placed per second; {4} running, {5} pending ({6:P1})",
                report.Ves, report.VeVms, report.SubmitWallSeconds, report.VesPlacedPerSecond, report.Running, report.Pending, report.PendingShare));
            Console.WriteLine(string.Format(c, "submit to running: p50 {0:0.0} ms, p99 {1:0.0} ms (simulated boot time 0); CPU load after: {2:P1}",
                report.SubmitToRunningP50Ms, report.SubmitToRunningP99Ms, report.LoadAfterSubmit));
            foreach (var (reason, count) in report.PendingReasons) Console.WriteLine($"  not running at the end x{count}: {reason}");
            if (report.Observed is { } o)
                Console.WriteLine(string.Format(c, "DVMS over {0:0} infrastructure s from the first submission: {1} overload episodes ({2} re-overloads), {3:0.0} s of violation, {4} migrations; at the end {5:P1} CPU load, {6} node(s) overloaded",
                    o.Seconds, o.OverloadEpisodes, o.ReOverloads, o.ViolationSeconds, o.Migrations, o.MeanCpuLoadAtEnd, o.OverloadedNodesAtEnd));
            Console.WriteLine(string.Format(c, (report.KilledSilo ? "killed a silo driving {0} nodes" : "crashed {0} nodes") + ": {1} VE VMs of {2} VEs; running again after p50 {3:0.0} s, p99 {4:0.0} s, max {5:0.0} s (infrastructure time, grace {6:0} s)",
                report.CrashedNodes, report.AffectedVeVms, report.AffectedVes, report.RecoveryP50Seconds, report.RecoveryP99Seconds, report.RecoveryMaxSeconds, report.NodeDownGraceSeconds));
            Console.WriteLine($"VE VMs lost: {report.VeVmsLost}; fenced into the lost nodes only, waiting for them: {report.StrandedVeVms}; VMs of no VE lost with their node: {report.BackgroundVmsLost}; constraint violations: {report.ConstraintViolations}; running twice: {report.RunningTwice}");
            foreach (var (reason, count) in report.NotRecoveredReasons) Console.WriteLine($"  not running again x{count}: {reason}");
            foreach (var v in report.ViolationSamples) Console.WriteLine($"  violation: {v}");
            Console.WriteLine(string.Format(c, "nodes back: stale copies left {0} after {1:0.0} s; peak working set {2:0} MiB; wall {3:0.0} s",
                report.StaleCopiesLeft, report.StaleCopiesGoneAfterSeconds, report.PeakWorkingSetMiB, report.WallSeconds));
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(report, SolverBenchmark.Json));
                Console.Error.WriteLine($"wrote {file.FullName}");
            }
            return report.VeVmsLost + report.ConstraintViolations + report.RunningTwice + report.StaleCopiesLeft == 0 ? 0 : 1;
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

    /// <summary>"N" or "MIN-MAX" with 1 &lt;= MIN &lt;= MAX &lt;= 64, else null.</summary>
    public static (int Min, int Max)? ParseRange(string text)
    {
        var parts = text.Split('-');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))) return null;
        var (min, max) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
        return min >= 1 && min <= max && max <= 64 ? (min, max) : null;
    }

    private static Option<int> Positive(string name, int fallback, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v < 1) r.AddError($"{name} must be at least 1, got {v}"); });
        return option;
    }
}
