using System.CommandLine;
using Discovery.Client;

namespace Discovery.Cli;

/// <summary><c>discovery node</c> and <c>discovery drain</c>: operators' commands on a running cluster.</summary>
public static class NodeCommands
{
    private static Option<int> Gateway() => new("--gateway") { Description = "Gateway port of a localhost silo.", DefaultValueFactory = _ => 30000 };

    private static Option<string?> Database() => new("--postgres") { Description = "Connection string of the cluster's PostgreSQL membership table (instead of --gateway)." };

    public static Command Node()
    {
        var gateway = Gateway();
        var database = Database();
        var names = new Argument<string[]>("nodes") { Description = "Node names.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("node", "Shows nodes: capacity, demand, VMs, reservation, pending event.") { names, gateway, database };
        command.SetAction(async (parse, ct) =>
        {
            await using var client = await Connect(parse.GetValue(gateway), parse.GetValue(database), ct);
            foreach (var name in parse.GetValue(names)!)
            {
                var snapshot = await client.GetNodeAsync(name);
                var status = await client.GetNodeStatusAsync(name);
                Console.WriteLine($"{snapshot.Node} (site {snapshot.Site}): {snapshot.Demand} of {snapshot.Capacity}, load {snapshot.CpuLoad:P0}, {snapshot.Vms.Length} VM(s)" +
                    (snapshot.Overloaded ? ", OVERLOADED" : "") + (status.Maintenance ? ", in maintenance" : "") +
                    (status.Reservation is { } r ? $", reserved by {r.PartitionId}" : ""));
                foreach (var vm in snapshot.Vms) Console.WriteLine($"  {vm.Id,-20} {vm.State,-10} {vm.VCpus} vCPU {vm.MemoryMiB,6} MiB  demand {vm.CpuDemand / 100.0:0.00} cores");
            }
            return 0;
        });
        return command;
    }

    public static Command Drain()
    {
        var gateway = Gateway();
        var database = Database();
        var name = new Argument<string>("node") { Description = "The node to put in maintenance." };
        var cancel = new Option<bool>("--cancel") { Description = "Take the node out of maintenance instead." };
        var command = new Command("drain", "Puts a node in maintenance: Discovery migrates its VMs away.") { name, cancel, gateway, database };
        command.SetAction(async (parse, ct) =>
        {
            await using var client = await Connect(parse.GetValue(gateway), parse.GetValue(database), ct);
            var node = parse.GetValue(name)!;
            if (parse.GetValue(cancel)) await client.CancelDrainAsync(node);
            else await client.DrainAsync(node);
            Console.WriteLine(parse.GetValue(cancel) ? $"{node}: maintenance cancelled" : $"{node}: maintenance requested; its VMs will be migrated away");
            return 0;
        });
        return command;
    }

    private static Task<DiscoveryClient> Connect(int gateway, string? database, CancellationToken ct) =>
        DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { GatewayPort = gateway, PostgreSqlConnectionString = database }, ct);
}
