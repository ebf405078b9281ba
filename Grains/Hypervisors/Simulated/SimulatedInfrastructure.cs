using System.ComponentModel.DataAnnotations;
using Discovery.Model;

namespace Discovery.Hypervisors.Simulated;

/// <summary>
/// A uniform simulated infrastructure: its shape, its workload and its pace. The one description
/// shared by the silo (configuration section <c>Discovery:Simulated</c>, hence settable properties
/// and <see cref="RangeAttribute"/>s that the silo's configuration check reports) and by
/// <c>discovery simulate</c>. The defaults follow the seed's experiments: 8-core nodes with 10
/// one-vCPU VMs each, so demand per vCPU ~ Normal(70, 30) gives about 85 % average CPU load.
/// </summary>
public sealed record SimulatedInfrastructure
{
    [Range(1, 1_000_000)] public int Nodes { get; init; } = 32;
    [Range(0, 10_000)] public int VmsPerNode { get; init; } = 10;
    [Range(1, 100_000)] public int Sites { get; init; } = 1;
    [Range(1, 4096)] public int NodeCores { get; init; } = 8;
    [Range(1, int.MaxValue)] public int NodeMemoryMiB { get; init; } = 32768;
    [Range(1, 4096)] public int VmVCpus { get; init; } = 1;
    [Range(1, int.MaxValue)] public int VmMemoryMiB { get; init; } = 1024;
    public string Image { get; init; } = "simulated.qcow2";
    /// <summary>Simulated migration time = VM memory / bandwidth.</summary>
    [Range(1.0, 1_000_000.0)] public double MigrationBandwidthMbps { get; init; } = 1000;
    /// <summary>Whether the seed's load law drives VM demand (<see cref="SimulatedDatacenter.StartLoadInjection"/>).</summary>
    public bool LoadInjector { get; init; } = true;
    /// <summary>Seed of the load injector: the same seed gives the same workload.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Infrastructure seconds per wall second (pessimistic for the scheduler).</summary>
    [Range(1.0, 100_000.0)] public double Speedup { get; init; } = 1;
    /// <summary>
    /// An infrastructure file in the VE language (<c>WN[1..11] : {cores: 8, memory: 32GiB, site: "rennes"};</c>):
    /// its nodes replace <see cref="Nodes"/>, <see cref="Sites"/>, <see cref="NodeCores"/> and <see cref="NodeMemoryMiB"/>;
    /// each still gets <see cref="VmsPerNode"/> VMs. Null: the uniform shape.
    /// </summary>
    public string? Infrastructure { get; init; }

    /// <summary>
    /// This silo's share when several silos each simulate part of one infrastructure (one silo per PoP): the
    /// sites are cut into <see cref="Slices"/> contiguous blocks and this silo builds block <see cref="Slice"/>
    /// (0-based). Names and the seeded workload are those of the whole infrastructure, so that K silos replay
    /// what one silo would.
    /// </summary>
    [Range(0, 100_000)] public int Slice { get; init; }

    /// <summary>Number of silos sharing the infrastructure (1: this silo simulates all of it).</summary>
    [Range(1, 100_000)] public int Slices { get; init; } = 1;

    /// <summary>Builds the datacentre of this silo's slice of <paramref name="nodes"/> (an infrastructure file's), <see cref="VmsPerNode"/> VMs on each.</summary>
    public SimulatedDatacenter Build(TimeProvider clock, IReadOnlyList<Language.InfrastructureNode> nodes)
    {
        var dc = new SimulatedDatacenter(clock, MigrationBandwidthMbps);
        var sites = SiteIndexes(nodes);
        for (var i = 0; i < nodes.Count; i++)
            if (SliceOf(sites[nodes[i].Site], sites.Count) == Slice)
                AddWithVms(dc, nodes[i].Name, nodes[i].Capacity, nodes[i].Site, i, nodes.Count);
        return dc;
    }

    /// <summary>Whether uniform node <paramref name="node"/> (0-based) belongs to this silo's slice.</summary>
    public bool InSlice(int node) => SliceOf(SiteOf(node), Sites) == Slice;

    /// <summary>The nodes of the infrastructure file that belong to this silo's slice.</summary>
    public IEnumerable<Language.InfrastructureNode> SliceOf(IReadOnlyList<Language.InfrastructureNode> nodes)
    {
        var sites = SiteIndexes(nodes);
        return nodes.Where(n => SliceOf(sites[n.Site], sites.Count) == Slice);
    }

    private int SliceOf(int site, int sites) => (int)((long)site * Slices / sites);

    /// <summary>Sites in order of first appearance.</summary>
    private static Dictionary<string, int> SiteIndexes(IReadOnlyList<Language.InfrastructureNode> nodes)
    {
        var sites = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in nodes) sites.TryAdd(n.Site, sites.Count);
        return sites;
    }

    private void AddWithVms(SimulatedDatacenter dc, string name, Resources capacity, string site, int index, int nodes)
    {
        var node = dc.AddNode(name, capacity, site);
        for (var j = 0; j < VmsPerNode; j++)
        {
            var id = VmName(index * VmsPerNode + j, nodes);
            node.DefineAsync(new VmSpec(id, VmVCpus, VmMemoryMiB, Image)).GetAwaiter().GetResult(); // completes synchronously
            node.StartAsync(id).GetAwaiter().GetResult();
        }
    }

    private string VmName(int vm, int nodes) => $"vm-{vm.ToString(new string('0', Math.Max(5, (nodes * VmsPerNode).ToString().Length)))}";

    /// <summary>
    /// Starts the seed's load injector on <paramref name="datacenter"/> (built from this description). Alone, over the
    /// VMs the datacentre holds as they come and go (VMs defined later take part); as one of several slices, over the
    /// whole infrastructure's initial VMs: each silo draws the same seeded stream and applies the changes of the VMs it
    /// holds, which is the stream one silo alone would see as long as no VM is added or removed.
    /// </summary>
    public void StartLoadInjection(SimulatedDatacenter datacenter)
    {
        if (Slices == 1)
        {
            datacenter.StartLoadInjection(LoadLaw.Seed, Seed);
            return;
        }
        var nodes = Infrastructure is not null ? NodesFromFile().Count : Nodes;
        var catalog = Enumerable.Range(0, nodes * VmsPerNode).Select(v => (VmName(v, nodes), VmVCpus)).ToList();
        datacenter.StartLoadInjection(LoadLaw.Seed, Seed, catalog);
    }

    /// <summary>Name of node <paramref name="i"/> (0-based), zero-padded so names sort in creation order.</summary>
    public string NodeName(int i) => $"node-{i.ToString(new string('0', Math.Max(4, Nodes.ToString().Length)))}";

    /// <summary>Name of site <paramref name="s"/>.</summary>
    public static string SiteName(int s) => $"site-{s:00}";

    /// <summary>Nodes are split into <see cref="Sites"/> contiguous blocks of (almost) equal size.</summary>
    public int SiteOf(int node) => (int)((long)node * Sites / Nodes);

    /// <summary>The nodes of the <see cref="Infrastructure"/> file; throws with every error of the file.</summary>
    public IReadOnlyList<Language.InfrastructureNode> NodesFromFile()
    {
        var text = File.ReadAllText(Infrastructure!);
        var compiled = Language.InfrastructureCompiler.Compile(text, Infrastructure!);
        return compiled.Succeeded ? compiled.Nodes : throw new InvalidDataException(string.Join(Environment.NewLine, compiled.Errors));
    }

    /// <summary>Builds the datacentre on <paramref name="clock"/>: every VM defined and running on its
    /// initial node; call <see cref="SimulatedDatacenter.StartLoadInjection"/> to set demands.</summary>
    public SimulatedDatacenter Build(TimeProvider clock)
    {
        if (Infrastructure is not null) return Build(clock, NodesFromFile());
        if (Nodes < 1) throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "at least one node");
        if (VmsPerNode < 0) throw new ArgumentOutOfRangeException(nameof(VmsPerNode), VmsPerNode, "cannot be negative");
        if (Sites < 1 || Sites > Nodes) throw new ArgumentOutOfRangeException(nameof(Sites), Sites, $"must be within 1..{Nodes} (the number of nodes)");
        if (Slices > Sites || Slice < 0 || Slice >= Slices)
            throw new ArgumentOutOfRangeException(nameof(Slice), Slice, $"slice {Slice} of {Slices}: needs 0 <= Slice < Slices <= Sites ({Sites})");
        var dc = new SimulatedDatacenter(clock, MigrationBandwidthMbps);
        var capacity = Resources.OfCores(NodeCores, NodeMemoryMiB);
        for (var i = 0; i < Nodes; i++)
            if (InSlice(i)) AddWithVms(dc, NodeName(i), capacity, SiteName(SiteOf(i)), i, Nodes);
        return dc;
    }
}
