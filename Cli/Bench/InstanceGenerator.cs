using System.Collections.Immutable;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Placement;

namespace Discovery.Cli.Bench;

/// <summary>
/// Random placement instances with the seed's load law: demand per vCPU ~ Normal(70, 30)
/// clipped to 0..100, node CPU capacity set so that the average load is <c>targetLoad</c>
/// (85 % by default). VMs have 1, 2 or 4 vCPUs and 1, 2 or 4 GiB; nodes have room for about
/// 1.5 times the memory they host, so memory rarely binds and CPU decides.
/// </summary>
public static class InstanceGenerator
{
    /// <summary>A problem of <paramref name="nodes"/> identical nodes hosting <paramref name="vmsPerNode"/> VMs each, drawn from <paramref name="seed"/>.</summary>
    public static PlacementProblem Generate(int nodes, int vmsPerNode, int seed, double targetLoad = 0.85)
    {
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "at least one node");
        if (vmsPerNode < 1) throw new ArgumentOutOfRangeException(nameof(vmsPerNode), vmsPerNode, "at least one VM per node");
        if (!(targetLoad > 0)) throw new ArgumentOutOfRangeException(nameof(targetLoad), targetLoad, "must be positive");
        var random = new Random(seed);
        var law = LoadLaw.Seed;
        int[] vcpuChoices = [1, 1, 2, 2, 4], memoryChoices = [1024, 2048, 2048, 4096];
        var width = Math.Max(4, (nodes - 1).ToString().Length);
        var nodeNames = Enumerable.Range(0, nodes).Select(i => "n" + i.ToString(new string('0', width))).ToArray();
        var vms = ImmutableArray.CreateBuilder<PlacementVm>(nodes * vmsPerNode);
        long totalCpu = 0, maxMemory = 0;
        for (var n = 0; n < nodes; n++)
        {
            long memory = 0;
            for (var j = 0; j < vmsPerNode; j++)
            {
                var vcpus = vcpuChoices[random.Next(vcpuChoices.Length)];
                var demand = new Resources(law.DrawDemand(random, vcpus), memoryChoices[random.Next(memoryChoices.Length)]);
                vms.Add(new PlacementVm($"vm{n * vmsPerNode + j}", demand, nodeNames[n]));
                totalCpu += demand.Cpu;
                memory += demand.MemoryMiB;
            }
            maxMemory = Math.Max(maxMemory, memory);
        }
        var avgMemory = vms.Sum(v => (long)v.Demand.MemoryMiB) / nodes;
        var capacity = new Resources(
            (int)Math.Ceiling(totalCpu / (nodes * targetLoad) / 100.0) * 100,   // whole cores
            (int)Math.Max(avgMemory * 3 / 2, vms.Max(v => v.Demand.MemoryMiB)));
        return new PlacementProblem([.. nodeNames.Select(n => new PlacementNode(n, capacity))], vms.ToImmutable(), []);
    }
}
