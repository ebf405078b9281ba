using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Language;
using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Validation;

/// <summary>
/// The one place a VE spec is validated. Returns every problem with the field that holds it,
/// so a user fixes a spec in one round trip.
/// </summary>
public static class VeSpecValidator
{
    /// <summary>
    /// Validates <paramref name="spec"/>; <paramref name="nodes"/> (name to capacity), when given, lets it also reject VMs
    /// larger than the largest node (vCPUs and memory each; without nodes, larger than <paramref name="limits"/> allow) and
    /// constraints naming unknown nodes. <paramref name="limits"/> (<see cref="LanguageLimits.Default"/> when null) bound
    /// the VMs of a VE and the names its constraints give, as for a VE text. <paramref name="images"/> (default
    /// <see cref="ImageCatalog.Open"/>) are the images a VM may boot: a path is always refused.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> Validate(VeSpec spec, IReadOnlyDictionary<string, Resources>? nodes = null, LanguageLimits? limits = null,
        ImageCatalog? images = null)
    {
        limits ??= LanguageLimits.Default;
        images ??= ImageCatalog.Open;
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(spec.Id))
            problems.Add(new("id", "must not be empty"));

        var vms = spec.Vms.IsDefault ? [] : spec.Vms;
        if (vms.IsEmpty)
            problems.Add(new("vms", "a VE needs at least one VM"));
        var constraints = spec.Constraints.IsDefault ? [] : spec.Constraints;
        // Past these, the spec is not read further: a million VMs or names would cost as much to check as to refuse.
        var sizes = SizeProblems(spec, limits);
        if (sizes.Count > 0) return [.. problems, .. sizes];

        var largest = Largest.Of(nodes, limits);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < vms.Length; i++)
        {
            var vm = vms[i];
            var at = $"vms[{i}]";
            if (string.IsNullOrWhiteSpace(vm.Id))
                problems.Add(new($"{at}.id", "must not be empty"));
            else if (seen.TryGetValue(vm.Id, out var first))
                problems.Add(new($"{at}.id", $"duplicate VM id '{vm.Id}' (already used by vms[{first}])"));
            else
                seen[vm.Id] = i;

            // Each size refused past the largest node first: 100 per vCPU, summed, then stays far from overflowing.
            var sized = true;
            void Unsized(string field, string message)
            {
                problems.Add(new($"{at}.{field}", message));
                sized = false;
            }
            if (vm.VCpus <= 0) Unsized("vcpus", $"must be positive, got {vm.VCpus}");
            else if (vm.VCpus > largest.Cores) Unsized("vcpus", $"{vm.VCpus} is more than {largest.Of(largest.Cores, "cores")}");
            if (vm.MemoryMiB <= 0) Unsized("memoryMiB", $"must be positive, got {vm.MemoryMiB}");
            else if (vm.MemoryMiB > largest.MemoryMiB) Unsized("memoryMiB", $"{vm.MemoryMiB} is more than {largest.Of(largest.MemoryMiB, "MiB")}");
            if (vm.CpuDemand < 0 || (sized && vm.CpuDemand > vm.MaxCpuDemand))
                problems.Add(new($"{at}.cpuDemand", $"must be within 0..{(sized ? vm.MaxCpuDemand : 0)} (100 per vCPU), got {vm.CpuDemand}"));
            if (images.Problem(vm.Image) is { } image)
                problems.Add(new($"{at}.image", image));

            if (nodes is { Count: > 0 } && sized)
            {
                var need = new Resources(vm.MaxCpuDemand, vm.MemoryMiB);
                if (!nodes.Values.Any(need.FitsIn))
                {
                    var biggest = nodes.Values.MaxBy(c => (long)c.MemoryMiB * 1_000_000 + c.Cpu);
                    problems.Add(new(at, $"VM '{vm.Id}' needs {need} at full load, larger than every node (largest: {biggest})"));
                }
            }
        }

        for (var i = 0; i < constraints.Length; i++)
            ValidateConstraint(constraints[i], $"constraints[{i}]", seen, nodes, problems);
        return problems;
    }

    // A default (null) array counts as empty: the checks below report it where it matters.
    private static long Count(IEnumerable<string> names) => names is ImmutableArray<string> { IsDefault: true } ? 0 : names.LongCount();

    /// <summary>The most vCPUs and memory a VM may have, and how a message names where that comes from.</summary>
    private sealed record Largest(int Cores, int MemoryMiB, bool OfNodes)
    {
        /// <summary>
        /// The largest node's (cores and memory each, possibly of two nodes), or the limits' when no node is known.
        /// </summary>
        public static Largest Of(IReadOnlyDictionary<string, Resources>? nodes, LanguageLimits limits) =>
            nodes is { Count: > 0 }
                ? new(nodes.Values.Max(c => c.Cpu) / 100, nodes.Values.Max(c => c.MemoryMiB), true)
                : new(limits.MaxVCpus, limits.MaxMemoryMiB, false);

        /// <summary><c>the largest node's 64 cores</c>, or <c>the 4,096 cores a VM may have</c>.</summary>
        public string Of(int amount, string unit) => OfNodes ? $"the largest node's {amount:N0} {unit}" : $"the {amount:N0} {unit} a VM may have";
    }

    /// <summary>
    /// The problems of <paramref name="spec"/>'s size alone: more VMs than a VE may have, more names in its constraints than
    /// <paramref name="limits"/> (<see cref="LanguageLimits.Default"/> when null) allow. Cheap: a caller can refuse a spec
    /// on them before sending it anywhere.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> SizeProblems(VeSpec spec, LanguageLimits? limits = null)
    {
        limits ??= LanguageLimits.Default;
        var problems = new List<ValidationProblem>();
        var vms = spec.Vms.IsDefault ? 0 : spec.Vms.Length;
        if (vms > limits.MaxVms)
            problems.Add(new("vms", $"{vms:N0} VMs, more than the {limits.MaxVms:N0} a VE may have"));
        var constraints = spec.Constraints.IsDefault ? [] : spec.Constraints;
        var names = constraints.Sum(c => c is null ? 0 : Count(c.VmIds) + (c is Latency l ? Count(l.Groups.IsDefault ? [] : l.Groups.SelectMany(g => g.IsDefault ? [] : g)) : Count(c.NodeNames)));
        if (names > limits.MaxNames)
            problems.Add(new("constraints", $"{names:N0} names in total, more than the {limits.MaxNames:N0} the constraints of a VE may give"));
        return problems;
    }

    /// <summary>Throws <see cref="InvalidSpecException"/> listing every problem, if any.</summary>
    public static void EnsureValid(VeSpec spec, IReadOnlyDictionary<string, Resources>? nodes = null, ImageCatalog? images = null)
    {
        var problems = Validate(spec, nodes, images: images);
        if (problems.Count > 0) throw new InvalidSpecException(problems);
    }

    private static void ValidateConstraint(PlacementConstraint c, string at, IReadOnlyDictionary<string, int> vms,
        IReadOnlyDictionary<string, Resources>? nodes, List<ValidationProblem> problems)
    {
        var field = $"{at}({c.Name})";
        // An unmapped type is reported as a problem, not thrown: a spec is user input.
        if (!ConstraintRegistry.IsMapped(c))
        {
            problems.Add(new(field, ConstraintRegistry.UnmappedMessage(c)));
            return;
        }
        var kind = ConstraintRegistry.For(c).Validation;
        var vmIds = c.VmIds.IsDefault ? [] : c.VmIds;
        if (kind.NamesVms && vmIds.IsEmpty)
            problems.Add(new($"{field}.vms", "must name at least one VM"));
        foreach (var vm in vmIds.Where(v => !vms.ContainsKey(v)).Distinct())
            problems.Add(new($"{field}.vms", $"unknown VM '{vm}' (not in this VE)"));
        problems.AddRange(kind.Validate(c, field, nodes));
    }
}
