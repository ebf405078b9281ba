using System.Text;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Language;

/// <summary>
/// Writes a VE in the VE language: every VM with its properties (<c>cpu:</c> when its expected demand is not all
/// its vCPUs), then every constraint with explicit sets. <see cref="VeCompiler.Compile"/> of the text gives the
/// same VE back (VM names must start with a letter, images hold no '"', CPU demands are within 0..100 per vCPU).
/// </summary>
public static class VePrinter
{
    /// <summary>The text of <paramref name="ve"/>.</summary>
    public static string Print(VeSpec ve)
    {
        var text = new StringBuilder();
        text.Append("// VE ").Append(ve.Id).Append('\n');
        foreach (var vm in ve.Vms)
        {
            // cpu: only when it is not what the language assumes without it (all the vCPUs).
            var cpu = vm.CpuDemand == vm.MaxCpuDemand ? "" : $", cpu: {CpuPercent.Format(vm.VCpus, vm.CpuDemand)}";
            text.Append($"{vm.Id} : {{vcpus: {vm.VCpus}, memory: {vm.MemoryMiB}MiB{cpu}, image: \"{vm.Image}\"}};\n");
        }
        foreach (var c in ve.Constraints.IsDefault ? [] : ve.Constraints)
            text.Append(Statement(c)).Append(";\n");
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="constraint"/> as a statement without its ';', e.g. <c>latency({a, b}, {{n1}, {n2}})</c>,
    /// its arguments in the order its shape declares.
    /// </summary>
    /// <exception cref="NotSupportedException">The constraint's type is not registered.</exception>
    public static string Statement(PlacementConstraint constraint)
    {
        var shape = ConstraintRegistry.ShapeOf(constraint);
        var arguments = shape.Read(constraint);
        string Argument(ConstraintArgument argument) => argument switch
        {
            ConstraintArgument.Vms => Set(arguments.Vms),
            ConstraintArgument.Nodes => Set(arguments.Nodes),
            ConstraintArgument.NodeGroups => $"{{{string.Join(", ", arguments.Groups.Select(g => Set(g)))}}}",
            _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "no such kind of argument"),
        };
        return $"{shape.Keyword}({string.Join(", ", shape.Arguments.Select(Argument))})";
    }

    private static string Set(IEnumerable<string> names) => $"{{{string.Join(", ", names)}}}";
}
