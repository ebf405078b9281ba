using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Discovery.Cli.Simulation;

/// <summary><c>discovery simulate</c>: the seed's experiment, several schedulers on one seeded workload.</summary>
public static class SimulateCommand
{
    public static Command Build()
    {
        var defaults = new SimulationSettings();
        var nodes = new Option<int>("--nodes") { Description = "Physical machines (8 cores, 32 GiB each).", DefaultValueFactory = _ => defaults.Infrastructure.Nodes };
        var vms = new Option<int>("--vms") { Description = "VMs (1 vCPU, 1 GiB), a multiple of --nodes; 10 per node gives the seed's ~85 % load.", DefaultValueFactory = _ => defaults.Vms };
        var sites = new Option<int>("--sites") { Description = "Sites (PoPs); the hierarchical scheduler runs one scheduler per site.", DefaultValueFactory = _ => defaults.Infrastructure.Sites };
        var duration = new Option<double>("--duration") { Description = "Infrastructure seconds simulated per scheduler.", DefaultValueFactory = _ => defaults.DurationSeconds };
        var speedup = new Option<double>("--speedup") { Description = "Infrastructure seconds per wall second. Scheduler computation counts that many times: always pessimistic for the scheduler.", DefaultValueFactory = _ => defaults.Infrastructure.Speedup };
        var schedulers = new Option<string>("--schedulers") { Description = "Comma-separated, run in this order on the same workload: dvms, centralized, hierarchical, none.", DefaultValueFactory = _ => string.Join(",", defaults.Schedulers.Select(SchedulerKinds.Name)) };
        var seed = new Option<int>("--seed") { Description = "Seed of the load injector (same workload for every scheduler).", DefaultValueFactory = _ => defaults.Infrastructure.Seed };
        var headroom = new Option<string>("--headroom") { Description = "Headroom target CPU load of every scheduler's plans (0.9: a plan keeps the nodes it touches at or under 90 % if it can, before moving the least memory), or 'none' for least memory only.", DefaultValueFactory = _ => defaults.HeadroomTarget is { } h ? h.ToString(CultureInfo.InvariantCulture) : "none" };
        var pressure = new Option<string>("--pressure") { Description = "Pressure threshold CPU load of every scheduler, above --headroom (0.93: a node above 93 % that is not overloaded yet sheds load down to the headroom target when a neighbour has room), or 'none' to act on overloads only.", DefaultValueFactory = _ => defaults.PressureThreshold is { } p ? p.ToString(CultureInfo.InvariantCulture) : "none" };
        var secure = new Option<bool>("--secure") { Description = "Mutual TLS between the silos and Discovery's call checks on each, as in production: what they cost." };
        var silos = new Option<int>("--silos") { Description = "Silos in this process (real Orleans networking between them), each driving whole sites with its own simulated datacentre, on the same seeded workload as one silo; dvms and none only above 1.", DefaultValueFactory = _ => defaults.Silos };
        var json = new Option<FileInfo?>("--json") { Description = "Write the figures as JSON to FILE." };
        var report = new Option<FileInfo?>("--report") { Description = "Write a self-contained HTML report with charts to FILE." };
        var command = new Command("simulate", """
            Reproduces the seed's experiment on the simulated hypervisor: the load of every VM changes at
            exponential intervals (rate VMs/300 s, demand per vCPU ~ Normal(70, 30)), and each scheduler
            keeps the nodes viable on the same seeded workload. Violation time (seconds a node's demand
            exceeds its capacity) is measured on the simulated hypervisor itself.
            With --silos K, K silos run in this process, joined in one cluster over Orleans' real networking: each drives
            whole sites with its own simulated datacentre, VMs cross silos by hand-over through the node grains, and the
            seeded workload is the one a single silo sees.
            Example: discovery simulate --nodes 1024 --vms 10240 --duration 3600 --speedup 10 --schedulers dvms,centralized,hierarchical,none --json out.json --report out.html
            With --secure, the silos talk mutual TLS (a throwaway CA) and check calls as production silos do.
            """) { nodes, vms, sites, duration, speedup, schedulers, seed, headroom, pressure, silos, secure, json, report };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = SimulationSettings.FromOptions(parse.GetValue(nodes), parse.GetValue(vms), parse.GetValue(sites),
                parse.GetValue(duration), parse.GetValue(speedup), parse.GetValue(schedulers)!, parse.GetValue(seed), out var problems, parse.GetValue(headroom)!, parse.GetValue(silos), parse.GetValue(pressure)!) with { Secure = parse.GetValue(secure) };
            if (problems.Count > 0)
            {
                foreach (var p in problems) Console.Error.WriteLine($"discovery simulate: {p}");
                return 2;
            }
            var results = new List<SchedulerResult>();
            foreach (var scheduler in settings.Schedulers)
            {
                var infrastructure = settings.Infrastructure;
                Console.Error.WriteLine($"{scheduler.Name()}: {infrastructure.Nodes} nodes, {settings.Vms} VMs, {settings.DurationSeconds} s at speedup {infrastructure.Speedup} on {settings.Silos} silo(s) (about {settings.DurationSeconds / infrastructure.Speedup / 60:0.#} min)");
                results.Add(await SimulationRunner.RunAsync(settings, scheduler,
                    (done, total, detail) => Progress.Report((long)done, (long)total, detail), cancellationToken));
                Progress.Done();
            }
            var document = new SimulationReport(settings.Infrastructure.Nodes, settings.Vms, settings.DurationSeconds, settings.Infrastructure.Speedup,
                settings.Infrastructure.Sites, settings.Infrastructure.Seed, results) { HeadroomTarget = settings.HeadroomTarget, PressureThreshold = settings.PressureThreshold };
            PrintTable(document);
            if (parse.GetValue(json) is { } jsonFile)
            {
                await File.WriteAllTextAsync(jsonFile.FullName, JsonSerializer.Serialize(document, Bench.SolverBenchmark.Json), cancellationToken);
                Console.Error.WriteLine($"wrote {jsonFile.FullName}");
            }
            if (parse.GetValue(report) is { } htmlFile)
            {
                await File.WriteAllTextAsync(htmlFile.FullName, HtmlReport.Render(document), cancellationToken);
                Console.Error.WriteLine($"wrote {htmlFile.FullName}");
            }
            return results.Any(r => r.StuckReservations > 0) ? 1 : 0;
        });
        return command;
    }

    private static void PrintTable(SimulationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"{"scheduler",-13} {"violation s",12} {"mean load",9} {"overloads",9} {"events",7} {"resolved",8} {"pressures",9} {"res p50 s",9} {"res p99 s",9} {"migr.",7} {"re-overl.",9} {"solver p50 ms",13} {"max part.",9} {"stuck",5} {"wall s",7} {"cpu s",7} {"monit. s",8} {"solver s",8}");
        foreach (var r in report.Results)
            Console.WriteLine(string.Format(c, "{0,-13} {1,12:0.0} {2,9:P1} {17,9} {3,7} {4,8} {16,9} {5,9:0.0} {6,9:0.0} {7,7} {8,9} {9,13:0.0} {10,9} {11,5} {12,7:0} {13,7:0} {14,8:0.0} {15,8:0.0}",
                r.Scheduler, r.ViolationSeconds, r.MeanLoad, r.Events, r.Resolved, r.ResolutionP50Ms / 1000, r.ResolutionP99Ms / 1000,
                r.Migrations, r.ReOverloads, r.SolverP50Ms, r.MaxPartition, r.StuckReservations, r.WallSeconds, r.CpuSeconds, r.MonitoringCpuSeconds, r.SolverCpuSeconds, $"{r.Relieved}/{r.Pressures}", r.Overloads));
        foreach (var r in report.Results.Where(r => r.Outcomes.Count > 0))
            Console.WriteLine($"{r.Scheduler}: outcomes {string.Join(", ", r.Outcomes.Select(o => $"{o.Key} {o.Value}"))}" +
                (r.Failures.Count > 0 ? $"; why: {string.Join("; ", r.Failures.Take(3).Select(f => $"{f.Key} ({f.Value})"))}" : ""));
        foreach (var r in report.Results.Where(r => r.Silos > 1))
            Console.WriteLine(string.Format(c, "{0}: {1} silos, {2} messages between them ({3:0.0} per event), {4} cross-site migrations",
                r.Scheduler, r.Silos, r.SiloMessages, r.MessagesPerEvent, r.CrossSiteMigrations));
        var dvms = report.Results.FirstOrDefault(r => r.Scheduler == SchedulerKind.Dvms.Name());
        var central = report.Results.FirstOrDefault(r => r.Scheduler == SchedulerKind.Centralized.Name());
        if (dvms is not null && central is { ViolationSeconds: > 0 })
            Console.WriteLine(string.Format(c, "dvms / centralized cumulated violation: {0:0.###}", dvms.ViolationSeconds / central.ViolationSeconds));
    }
}
