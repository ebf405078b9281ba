using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Validation;

/// <summary>
/// The one place a VE spec is validated. Returns every problem with the field that holds it,
/// so a user fixes a spec in one round trip.
/// </summary>
public static class VeSpecValidator
{
    /// <summary>Validates <paramref name="spec"/>; <paramref name="nodes"/> (name to capacity), when
    /// given, lets it also reject VMs larger than every node and constraints naming unknown nodes; <paramref name="images"/>
    /// (default <see cref="ImageCatalog.Open"/>) are the images a VM may boot: a path is always refused.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(VeSpec spec, IReadOnlyDictionary<string, Resources>? nodes = null, ImageCatalog? images = null)
    {
        images ??= ImageCatalog.Open;
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(spec.Id))
            problems.Add(new("id", "must not be empty"));

        var vms = spec.Vms.IsDefault ? [] : spec.Vms;
        if (vms.IsEmpty)
            problems.Add(new("vms", "a VE needs at least one VM"));

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

            if (vm.VCpus <= 0)
                problems.Add(new($"{at}.vcpus", $"must be positive, got {vm.VCpus}"));
            if (vm.MemoryMiB <= 0)
                problems.Add(new($"{at}.memoryMiB", $"must be positive, got {vm.MemoryMiB}"));
            if (vm.CpuDemand < 0 || (vm.VCpus > 0 && vm.CpuDemand > vm.MaxCpuDemand))
                problems.Add(new($"{at}.cpuDemand", $"must be within 0..{Math.Max(0, vm.MaxCpuDemand)} (100 per vCPU), got {vm.CpuDemand}"));
            if (images.Problem(vm.Image) is { } image)
                problems.Add(new($"{at}.image", image));

            if (nodes is { Count: > 0 } && vm.VCpus > 0 && vm.MemoryMiB > 0)
            {
                var need = new Resources(vm.MaxCpuDemand, vm.MemoryMiB);
                if (!nodes.Values.Any(need.FitsIn))
                {
                    var largest = nodes.Values.MaxBy(c => (long)c.MemoryMiB * 1_000_000 + c.Cpu);
                    problems.Add(new(at, $"VM '{vm.Id}' needs {need} at full load, larger than every node (largest: {largest})"));
                }
            }
        }

        var constraints = spec.Constraints.IsDefault ? [] : spec.Constraints;
        for (var i = 0; i < constraints.Length; i++)
            ValidateConstraint(constraints[i], $"constraints[{i}]", seen, nodes, problems);
        return problems;
    }

    /// <summary>Throws <see cref="InvalidSpecException"/> listing every problem, if any.</summary>
    public static void EnsureValid(VeSpec spec, IReadOnlyDictionary<string, Resources>? nodes = null, ImageCatalog? images = null)
    {
        var problems = Validate(spec, nodes, images);
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
