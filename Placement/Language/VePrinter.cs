using System.Text;
using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Language;

/// <summary>
/// Writes a VE in the VE language: every VM with its properties, then every constraint with explicit
/// sets. <see cref="VeCompiler.Compile"/> of the text gives the same VE back (VM names must start
/// with a letter, images hold no '"').
/// </summary>
public static class VePrinter
{
    /// <summary>The text of <paramref name="ve"/>.</summary>
    public static string Print(VeSpec ve)
    {
        var text = new StringBuilder();
        text.Append("// VE ").Append(ve.Id).Append('\n');
        foreach (var vm in ve.Vms)
            text.Append($"{vm.Id} : {{vcpus: {vm.VCpus}, memory: {vm.MemoryMiB}MiB, image: \"{vm.Image}\"}};\n");
        foreach (var c in ve.Constraints.IsDefault ? [] : ve.Constraints)
            text.Append(c switch
            {
                Latency l => $"latency({Set(l.Vms)}, {{{string.Join(", ", l.Groups.Select(g => Set(g)))}}});",
                Offline o => $"offline({Set(o.Nodes)});",
                _ when c.NodeNames.Any() => $"{c.Name}({Set(c.VmIds)}, {Set(c.NodeNames)});",
                _ => $"{c.Name}({Set(c.VmIds)});",
            }).Append('\n');
        return text.ToString();
    }

    private static string Set(IEnumerable<string> names) => $"{{{string.Join(", ", names)}}}";
}
