using System.Collections.Immutable;
using Discovery.Client;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Language;
using Discovery.Placement.Constraints;

namespace Discovery.Silo.Operations;

/// <summary>
/// Turns a JSON submission into a <see cref="VeSpec"/>, listing every problem of its shape (which field,
/// which value, why); the VE grain then validates the spec as it does for the client library (and, when the
/// shape has problems, the same validator looks at what did parse, so that one answer lists everything).
/// </summary>
public static partial class VeSubmissions
{
    // The JSON types, alphabetically as the API's messages list them.
    private static readonly string[] Types = [.. ConstraintRegistry.Keywords.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Submits <paramref name="submission"/> through <paramref name="client"/>; the problems the VE grain finds in the spec
    /// are named after this API's fields (<c>vms[0].name</c>, <c>vms[0].vCpus</c>, <c>vms[0].cpu</c>, <c>constraints[1].nodes</c>).
    /// </summary>
    public static async Task<Environments.VeView> SubmitAsync(DiscoveryClient client, string ve, VeSubmission submission, CancellationToken cancellationToken)
    {
        var parsed = Parse(ve, submission);
        // A spec past the size limits is refused here, not sent to the VE grain first.
        if (parsed.Problems.Count > 0 || Validation.VeSpecValidator.SizeProblems(parsed.Spec).Count > 0)
        {
            // Every problem in one answer: what the spec validator finds in the parts that did parse joins the shape's
            // problems (a field already reported is not reported twice).
            var capacities = await client.Cluster.NodeDirectory().CapacitiesAsync();
            var more = Validation.VeSpecValidator.Validate(parsed.Spec, capacities)
                .Select(p => new InputProblem(ApiField(parsed.Renumber(p.Field)), null, null, p.Message))
                .Where(p => !parsed.Problems.Any(s => s.Where == p.Where || p.Where.StartsWith(s.Where + ".", StringComparison.Ordinal)
                                                    || p.Where.StartsWith(s.Where + "[", StringComparison.Ordinal)));
            throw new DiscoveryInvalidInputException([.. parsed.Problems, .. more]);
        }
        try
        {
            return await client.SubmitAsync(ve, parsed.Spec, cancellationToken);
        }
        catch (DiscoveryInvalidInputException e)
        {
            throw new DiscoveryInvalidInputException([.. e.Problems.Select(p => p with { Where = ApiField(p.Where) })], e);
        }
    }

    /// <summary>
    /// What parsed of a submission: the spec (without the constraints whose shape is wrong), the shape's problems, and
    /// where each constraint of the spec stands in the submission.
    /// </summary>
    public sealed record ParsedSubmission(VeSpec Spec, IReadOnlyList<InputProblem> Problems, IReadOnlyList<int> ConstraintIndexes)
    {
        /// <summary><paramref name="field"/> of the spec with its constraint index as in the submission.</summary>
        public string Renumber(string field) => ConstraintIndex().Replace(field, m => $"constraints[{ConstraintIndexes[int.Parse(m.Groups[1].Value)]}]");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^constraints\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex ConstraintIndex();

    /// <summary>The spec validator's field path as this API names it.</summary>
    public static string ApiField(string where)
    {
        where = ConstraintName().Replace(where, "$1");
        return where.EndsWith(".id", StringComparison.Ordinal) ? where[..^3] + ".name"
            : where.EndsWith(".vcpus", StringComparison.Ordinal) ? where[..^6] + ".vCpus"
            : where.EndsWith(".cpuDemand", StringComparison.Ordinal) ? where[..^10] + ".cpu"
            : where;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(constraints\[\d+\])\([a-z]+\)")]
    private static partial System.Text.RegularExpressions.Regex ConstraintName();

    /// <summary>The message for a VE text larger than <paramref name="maxBytes"/>.</summary>
    public static string TextTooLarge(int maxBytes) => $"a VE text may have at most {maxBytes:N0} bytes (UTF-8)";

    /// <summary>
    /// <paramref name="body"/> as UTF-8 text, read no further than <paramref name="maxBytes"/> + 1 bytes; null when it has
    /// more than <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<string?> ReadTextAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0) read += n;
        if (read > maxBytes) return null;
        var bom = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0; // as StreamReader would skip it
        return System.Text.Encoding.UTF8.GetString(buffer, bom, read - bom);
    }

    /// <summary>The spec of VE <paramref name="ve"/> and the problems of <paramref name="submission"/>'s shape.</summary>
    public static ParsedSubmission Parse(string ve, VeSubmission submission)
    {
        var problems = new List<InputProblem>();
        void Problem(string field, string message) => problems.Add(new InputProblem(field, null, null, message));

        if (submission.Vms is null or { Count: 0 }) Problem("vms", "required: at least one VM (or give the VE as 'text' in the VE language)");
        var vms = new List<VmSpec>();
        foreach (var (vm, i) in (submission.Vms ?? []).Select((v, i) => (v, i)))
        {
            if (vm is null) { Problem($"vms[{i}]", "null"); continue; }
            if (string.IsNullOrEmpty(vm.Name)) Problem($"vms[{i}].name", "required");
            // Without cpu the VM is assumed to use all its vCPUs, as in the VE language (at most int.MaxValue: the spec
            // validator refuses a VM larger than the largest node, and must see its demand unwrapped to do so).
            var all = (int)Math.Min((long)Math.Max(0, vm.VCpus) * 100, int.MaxValue);
            var demand = all;
            if (vm.Cpu is not null && !CpuPercent.TryDemand(vm.Cpu, vm.VCpus, out demand))
            {
                Problem($"vms[{i}].cpu", CpuPercent.Problem($"'{vm.Cpu}'"));
                demand = all;
            }
            vms.Add(new VmSpec(vm.Name ?? "", vm.VCpus, vm.MemoryMiB, vm.Image ?? VeCompiler.DefaultImage, demand));
        }
        var constraints = new List<PlacementConstraint>();
        var indexes = new List<int>();
        foreach (var (c, i) in (submission.Constraints ?? []).Select((c, i) => (c, i)))
        {
            var before = problems.Count;
            var at = $"constraints[{i}]";
            if (c is null) { Problem(at, "null"); continue; }
            var type = c.Type?.Trim().ToLowerInvariant();
            if (type is null || ConstraintRegistry.ShapeOf(type) is not { } shape)
            {
                Problem($"{at}.type", c.Type is null ? $"required: one of {string.Join(", ", Types)}" : $"'{c.Type}' is not one of {string.Join(", ", Types)}");
                continue;
            }
            var needsVms = shape.Takes(ConstraintArgument.Vms);
            var needsNodes = shape.Takes(ConstraintArgument.Nodes);
            var needsGroups = shape.Takes(ConstraintArgument.NodeGroups);
            if (needsVms && c.Vms is null or { Count: 0 }) Problem($"{at}.vms", $"required by {type}: the VMs it names");
            if (!needsVms && c.Vms is { Count: > 0 }) Problem($"{at}.vms", $"{type} names no VM");
            if (needsNodes && c.Nodes is null or { Count: 0 }) Problem($"{at}.nodes", $"required by {type}: the nodes it names");
            if (!needsNodes && c.Nodes is { Count: > 0 }) Problem($"{at}.nodes", $"{type} takes no 'nodes'{(needsGroups ? ": give 'groups' of nodes" : "")}");
            if (needsGroups && c.Groups is null or { Count: 0 }) Problem($"{at}.groups", $"required by {type}: groups of nodes, the VMs all in one of them");
            if (!needsGroups && c.Groups is { Count: > 0 }) Problem($"{at}.groups", $"{type} takes no 'groups'");
            NoNulls(c.Vms, $"{at}.vms", Problem);
            NoNulls(c.Nodes, $"{at}.nodes", Problem);
            foreach (var (group, g) in (c.Groups ?? []).Select((g, j) => (g, j)))
                if (group is null) Problem($"{at}.groups[{g}]", "null: a list of nodes");
                else NoNulls(group, $"{at}.groups[{g}]", Problem);
            if (problems.Count > before) continue; // its shape is wrong: not checked further
            constraints.Add(shape.Create(new ConstraintArguments
            {
                Vms = c.Vms.ToArrayOrEmpty(),
                Nodes = c.Nodes.ToArrayOrEmpty(),
                Groups = [.. (c.Groups ?? []).Select(g => g.ToArrayOrEmpty())],
            }));
            indexes.Add(i);
        }
        return new ParsedSubmission(new VeSpec(ve, [.. vms], [.. constraints]), problems, indexes);
    }

    private static void NoNulls(IReadOnlyList<string>? names, string at, Action<string, string> problem)
    {
        foreach (var (name, i) in (names ?? []).Select((n, i) => (n, i)))
            if (string.IsNullOrWhiteSpace(name)) problem($"{at}[{i}]", name is null ? "null: a name" : "empty: a name");
    }
}
