using System.CommandLine;
using System.Text.Json;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Monitoring;

namespace Discovery.Cli;

/// <summary><c>discovery nodes</c>, <c>node</c>, <c>drain</c>, <c>fault</c> and <c>watch</c>: operators' commands on a running cluster.</summary>
public static class NodeCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary><c>discovery nodes [--json]</c></summary>
    public static Command Nodes()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("nodes", "Lists every node: load, VMs, state (up, down, maintenance) and reservation.") { json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var nodes = await client.ListNodesAsync(ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(nodes.Select(n => new
                {
                    node = n.Node, site = n.LastSnapshot?.Site, state = State(n), reservation = n.Reservation?.PartitionId,
                    cpuLoad = n.LastSnapshot?.CpuLoad, vms = n.LastSnapshot?.Vms.Length,
                }), Json));
                return 0;
            }
            Console.WriteLine($"{"NODE",-14} {"SITE",-10} {"STATE",-12} {"LOAD",6} {"VMS",4}  RESERVED BY");
            foreach (var n in nodes)
                Console.WriteLine($"{n.Node,-14} {n.LastSnapshot?.Site ?? "?",-10} {State(n),-12} {(n.LastSnapshot is { } s ? s.CpuLoad.ToString("P0") : "?"),6} {n.LastSnapshot?.Vms.Length.ToString() ?? "?",4}  {n.Reservation?.PartitionId ?? "-"}");
            return 0;
        }, ct));
        return command;
    }

    private static string State(NodeStatus n) => n.Down ? "down" : n.UnreachableSince is not null ? "unreachable" : n.Maintenance ? "maintenance" : "up";

    /// <summary><c>discovery node NAMES...</c>, <c>node drain NAME</c>, <c>node undrain NAME</c></summary>
    public static Command Node()
    {
        var names = new Argument<string[]>("nodes") { Description = "Node names.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print each node's snapshot and status as JSON." };
        var command = new Command("node", "Shows nodes (capacity, demand, VMs, reservation), or drains and undrains one.") { names, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(names) is not { Length: > 0 } list)
            {
                Console.Error.WriteLine("discovery node: give node names, or 'drain NAME' / 'undrain NAME' (see --help)");
                return Task.FromResult(ClusterConnection.Usage);
            }
            return ClusterConnection.RunAsync(parse, connection, async client =>
            {
                foreach (var name in list)
                {
                    var snapshot = await client.GetNodeAsync(name, ct);
                    var status = await client.GetNodeStatusAsync(name, ct);
                    if (parse.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(new { snapshot, state = State(status), reservation = status.Reservation?.PartitionId }, Json));
                        continue;
                    }
                    Console.WriteLine($"{snapshot.Node} (site {snapshot.Site}): {snapshot.Demand} of {snapshot.Capacity}, load {snapshot.CpuLoad:P0}, {snapshot.Vms.Length} VM(s)" +
                        (snapshot.Overloaded ? ", OVERLOADED" : "") + (status.Maintenance ? ", in maintenance" : "") +
                        (status.Reservation is { } r ? $", reserved by {r.PartitionId}" : ""));
                    foreach (var vm in snapshot.Vms) Console.WriteLine($"  {vm.Id,-20} {vm.State,-10} {vm.VCpus} vCPU {vm.MemoryMiB,6} MiB  demand {vm.CpuDemand / 100.0:0.00} cores");
                }
                return 0;
            }, ct);
        });
        command.Subcommands.Add(Maintenance("drain", "Puts a node in maintenance: Discovery migrates its VMs away and keeps it out of placements.", true));
        command.Subcommands.Add(Maintenance("undrain", "Takes a node out of maintenance: it takes VMs again.", false));
        return command;
    }

    private static Command Maintenance(string name, string description, bool drain)
    {
        var node = new Argument<string>("node") { Description = "The node." };
        var command = new Command(name, description) { node };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection,
            client => SetMaintenanceAsync(client, parse.GetValue(node)!, drain, ct), ct));
        return command;
    }

    private static async Task<int> SetMaintenanceAsync(DiscoveryClient client, string node, bool drain, CancellationToken ct)
    {
        if (drain) await client.DrainAsync(node, ct);
        else await client.CancelDrainAsync(node, ct);
        Console.WriteLine(drain ? $"{node}: maintenance requested; its VMs will be migrated away" : $"{node}: maintenance cancelled");
        return 0;
    }

    /// <summary><c>discovery drain NODE [--cancel]</c>, kept from before <c>node drain</c>.</summary>
    public static Command Drain()
    {
        var name = new Argument<string>("node") { Description = "The node to put in maintenance." };
        var cancel = new Option<bool>("--cancel") { Description = "Take the node out of maintenance instead." };
        var command = new Command("drain", "Puts a node in maintenance (same as 'node drain'; --cancel as 'node undrain').") { name, cancel };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection,
            client => SetMaintenanceAsync(client, parse.GetValue(name)!, !parse.GetValue(cancel), ct), ct));
        return command;
    }

    /// <summary><c>discovery fault vm-crash VM | node-crash NODE | node-recover NODE</c></summary>
    public static Command Fault()
    {
        var fault = new Command("fault", "Fault injection on the simulated hypervisor (refused on libvirt): crash a VM, crash a node (unreachable), bring it back.");
        Command One(string name, string description, string argument, Func<DiscoveryClient, string, Task> act, string done)
        {
            var target = new Argument<string>(argument);
            var command = new Command(name, description) { target };
            var connection = ClusterConnection.AddTo(command);
            command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
            {
                await act(client, parse.GetValue(target)!);
                Console.WriteLine(string.Format(done, parse.GetValue(target)));
                return 0;
            }, ct));
            return command;
        }
        fault.Subcommands.Add(One("vm-crash", "Makes a VM crash, as a guest kernel panic would (its VE restarts it).", "vm", (c, vm) => c.CrashVmAsync(vm), "{0}: crashed"));
        fault.Subcommands.Add(NodeCrash());
        fault.Subcommands.Add(One("node-recover", "Makes a crashed node reachable again, with the VMs it had.", "node", (c, n) => c.RecoverNodeAsync(n), "{0}: reachable again"));
        return fault;
    }

    /// <summary><c>discovery fault node-crash NODE|VM</c>: a node, or the node that runs a VM, becomes unreachable.</summary>
    private static Command NodeCrash()
    {
        var target = new Argument<string>("node") { Description = "The node, or a VM's id (tenant.ve.vm, as 've show' lists it): the node that runs it." };
        var command = new Command("node-crash", "Makes a node's hypervisor unreachable; after the grace period the node is marked down and its VE VMs placed elsewhere.") { target };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var name = parse.GetValue(target)!;
            var node = await client.IsKnownNodeAsync(name, ct) ? name : await client.HostOfVmAsync(name, ct);
            await client.CrashNodeAsync(node, ct);
            Console.WriteLine(node == name ? $"{node}: unreachable" : $"{node} (runs {name}): unreachable");
            return 0;
        }, ct));
        return command;
    }

    /// <summary><c>discovery watch [--json]</c>: live VE and VM transitions until Ctrl+C.</summary>
    public static Command Watch()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of text." };
        var scheduling = new Option<bool>("--scheduling") { Description = "Also print scheduling events: every DVMS partition that ends, with its outcome." };
        var audit = new Option<bool>("--audit") { Description = "Also print audit events (operators): every call that changed something or was refused, who made it and how it ended." };
        var command = new Command("watch", "Prints every VE and VM transition of the cluster as it happens (a tenant's token: its own VEs'), until Ctrl+C.") { json, scheduling, audit };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            try
            {
                var all = parse.GetValue(scheduling);
                var audits = parse.GetValue(audit);
                await foreach (var e in client.WatchAllAsync(announceSubscription: true, ct))
                {
                    // On stderr, so that stdout stays one event per line: from here on nothing published is missed.
                    if (e is WatchSubscribed) Console.Error.WriteLine($"watching every VE and VM transition{(all ? " and partition" : "")} (Ctrl+C to stop)");
                    else if (e is WatchLagged lagged) Console.Error.WriteLine($"lagged: {lagged.Dropped} event(s) dropped here, this watch fell behind");
                    else if (e is VeTransition || (all && e is Discovery.Scheduling.PartitionNotice) || (audits && e is Discovery.Security.AuditEntry))
                        Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(e, e.GetType(), new JsonSerializerOptions(JsonSerializerDefaults.Web)) : e.ToString());
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            return 0;
        }, ct));
        return command;
    }
}
