using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Cli.Bench;

/// <summary>
/// The VEs of <c>discovery bench ve</c> (pure, seeded): each of <c>minVms..maxVms</c> VMs of the seed's
/// type (or of a range of vCPUs), with random constraints: spread over its VMs (half of the VEs), ban of one or two VMs from a
/// few nodes (30 %), fence into one site (30 %), latency, all VMs within one site (20 %).
/// </summary>
public static class VeWorkload
{
    /// <summary>The VEs <c>bench/ve0000</c>.. drawn with <paramref name="seed"/> over <paramref name="nodesBySite"/>.</summary>
    /// <remarks>
    /// With a range of <paramref name="vcpus"/>, each VM's vCPUs are drawn from a second seeded stream (the VEs' sizes and
    /// constraints stay those of the same seed with one vCPU), and it expects <paramref name="cpuPercent"/> of them.
    /// </remarks>
    public static IReadOnlyList<(string Key, VeSpec Spec)> Generate(int count, int minVms, int maxVms, VmSpec vmTemplate,
        IReadOnlyList<ImmutableArray<string>> nodesBySite, int seed, (int Min, int Max)? vcpus = null, int? cpuPercent = null)
    {
        if (vcpus is { } range && (range.Min < 1 || range.Max < range.Min)) throw new ArgumentOutOfRangeException(nameof(vcpus), $"need 1 <= min ({range.Min}) <= max ({range.Max})");
        var sizes = new Random(seed ^ 0x5EED);
        VmSpec Sized(VmSpec vm)
        {
            var n = vcpus is { } r ? sizes.Next(r.Min, r.Max + 1) : vm.VCpus;
            return vm with { VCpus = n, CpuDemand = cpuPercent is { } p ? n * p : vm.CpuDemand };
        }
        if (minVms < 1 || maxVms < minVms) throw new ArgumentOutOfRangeException(nameof(minVms), $"need 1 <= min ({minVms}) <= max ({maxVms})");
        var random = new Random(seed);
        var allNodes = nodesBySite.SelectMany(s => s).ToArray();
        var groups = nodesBySite.ToImmutableArray();
        var width = Math.Max(4, (count - 1).ToString().Length);
        var ves = new List<(string, VeSpec)>(count);
        for (var i = 0; i < count; i++)
        {
            var vms = Enumerable.Range(1, random.Next(minVms, maxVms + 1)).Select(j => Sized(vmTemplate with { Id = $"vm{j}" })).ToImmutableArray();
            var names = vms.Select(v => v.Id).ToImmutableArray();
            var constraints = new List<PlacementConstraint>();
            if (random.NextDouble() < 0.5) constraints.Add(new Spread(names));
            if (random.NextDouble() < 0.3)
                constraints.Add(new Ban([.. Pick(random, names, random.Next(1, 3))], [.. Pick(random, allNodes, random.Next(1, 5))]));
            if (random.NextDouble() < 0.3) constraints.Add(new Fence(names, groups[random.Next(groups.Length)]));
            if (random.NextDouble() < 0.2) constraints.Add(new Latency(names, groups));
            ves.Add(($"bench/ve{i.ToString(new string('0', width))}", new VeSpec("", vms, [.. constraints])));
        }
        return ves;
    }

    private static IEnumerable<string> Pick(Random random, IReadOnlyList<string> from, int count) =>
        from.OrderBy(_ => random.Next()).Take(Math.Min(count, from.Count)).Order(StringComparer.Ordinal);
}
