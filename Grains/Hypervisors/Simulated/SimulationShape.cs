using Discovery.Model;

namespace Discovery.Hypervisors.Simulated;

/// <summary>
/// The shape of a uniform simulated infrastructure. The defaults follow the seed's experiments:
/// 8-core nodes with 10 one-vCPU VMs each, so demand per vCPU ~ Normal(70, 30) gives about 85 %
/// average CPU load.
/// </summary>
public sealed record SimulationShape(
    int Nodes = 32,
    int VmsPerNode = 10,
    int Sites = 1,
    int NodeCores = 8,
    int NodeMemoryMiB = 32768,
    int VmVCpus = 1,
    int VmMemoryMiB = 1024,
    string Image = "simulated.qcow2")
{
    /// <summary>Name of node <paramref name="i"/> (0-based), zero-padded so names sort in creation order.</summary>
    public string NodeName(int i) => $"node-{i.ToString(new string('0', Math.Max(4, Nodes.ToString().Length)))}";

    /// <summary>Name of site <paramref name="s"/>.</summary>
    public static string SiteName(int s) => $"site-{s:00}";

    /// <summary>Nodes are split into <see cref="Sites"/> contiguous blocks of (almost) equal size.</summary>
    public int SiteOf(int node) => (int)((long)node * Sites / Nodes);

    /// <summary>Builds the datacentre: every VM defined and running on its initial node; call
    /// <see cref="SimulatedDatacenter.StartLoadInjection"/> to set demands.</summary>
    public SimulatedDatacenter Build(TimeProvider clock, double migrationBandwidthMbps = 1000)
    {
        if (Nodes < 1) throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "at least one node");
        if (VmsPerNode < 0) throw new ArgumentOutOfRangeException(nameof(VmsPerNode), VmsPerNode, "cannot be negative");
        if (Sites < 1 || Sites > Nodes) throw new ArgumentOutOfRangeException(nameof(Sites), Sites, $"must be within 1..{Nodes} (the number of nodes)");
        var dc = new SimulatedDatacenter(clock, migrationBandwidthMbps);
        var capacity = Resources.OfCores(NodeCores, NodeMemoryMiB);
        var vm = 0;
        var width = Math.Max(5, (Nodes * VmsPerNode).ToString().Length);
        for (var i = 0; i < Nodes; i++)
        {
            var node = dc.AddNode(NodeName(i), capacity, SiteName(SiteOf(i)));
            for (var j = 0; j < VmsPerNode; j++, vm++)
            {
                var id = $"vm-{vm.ToString(new string('0', width))}";
                node.DefineAsync(new VmSpec(id, VmVCpus, VmMemoryMiB, Image)).GetAwaiter().GetResult(); // completes synchronously
                node.StartAsync(id).GetAwaiter().GetResult();
            }
        }
        return dc;
    }
}
