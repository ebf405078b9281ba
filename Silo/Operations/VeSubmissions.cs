using System.Collections.Immutable;
using Discovery.Client;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Language;

namespace Discovery.Silo.Operations;

/// <summary>
/// Turns a JSON submission into a <see cref="VeSpec"/>, listing every problem of its shape (which field,
/// which value, why); the VE grain then validates the spec as it does for the client library.
/// </summary>
public static partial class VeSubmissions
{
    private static readonly string[] Types = ["ban", "fence", "gather", "latency", "lonely", "offline", "spread"];

    /// <summary>
    /// Submits <paramref name="submission"/> through <paramref name="client"/>; the problems the VE grain finds in the spec
    /// are named after this API's fields (<c>vms[0].name</c>, <c>vms[0].vCpus</c>, <c>constraints[1].nodes</c>).
    /// </summary>
    public static async Task<Environments.VeView> SubmitAsync(DiscoveryClient client, string ve, VeSubmission submission, CancellationToken cancellationToken)
    {
        VeSpec spec;
        try
        {
            spec = ToSpec(ve, submission);
        }
        catch (DiscoveryInvalidInputException shape) when (shape.Data[PartialSpec] is Partial partial)
        {
            // Every problem in one answer: what the spec validator finds in the parts that did parse joins the shape's
            // problems (a field already reported is not reported twice).
            var capacities = await client.Cluster.GetGrain<Grains.INodeDirectoryGrain>(0).CapacitiesAsync();
            var more = Validation.VeSpecValidator.Validate(partial.Spec, capacities)
                .Select(p => new InputProblem(ApiField(partial.Renumber(p.Field)), null, null, p.Message))
                .Where(p => !shape.Problems.Any(s => s.Where == p.Where || p.Where.StartsWith(s.Where + ".", StringComparison.Ordinal)
                                                   || p.Where.StartsWith(s.Where + "[", StringComparison.Ordinal)));
            throw new DiscoveryInvalidInputException([.. shape.Problems, .. more], shape);
        }
        try
        {
            return await client.SubmitAsync(ve, spec, cancellationToken);
        }
        catch (DiscoveryInvalidInputException e)
        {
            throw new DiscoveryInvalidInputException([.. e.Problems.Select(p => p with { Where = ApiField(p.Where) })], e);
        }
    }

    private const string PartialSpec = "partial-spec";

    /// <summary>What parsed of a submission with shape problems, and where each of its constraints was in the submission.</summary>
    private sealed record Partial(VeSpec Spec, IReadOnlyList<int> ConstraintIndexes)
    {
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
            : where;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(constraints\[\d+\])\([a-z]+\)")]
    private static partial System.Text.RegularExpressions.Regex ConstraintName();

    /// <summary>The spec of VE <paramref name="ve"/>, or the problems of <paramref name="submission"/>.</summary>
    public static VeSpec ToSpec(string ve, VeSubmission submission)
    {
        var problems = new List<InputProblem>();
        void Problem(string field, string message) => problems.Add(new InputProblem(field, null, null, message));

        if (submission.Vms is null or { Count: 0 }) Problem("vms", "required: at least one VM (or give the VE as 'text' in the VE language)");
        var vms = new List<VmSpec>();
        foreach (var (vm, i) in (submission.Vms ?? []).Select((v, i) => (v, i)))
        {
            if (vm is null) { Problem($"vms[{i}]", "null"); continue; }
            if (string.IsNullOrEmpty(vm.Name)) Problem($"vms[{i}].name", "required");
            vms.Add(new VmSpec(vm.Name ?? "", vm.VCpus, vm.MemoryMiB, vm.Image ?? VeCompiler.DefaultImage));
        }
        var constraints = new List<PlacementConstraint>();
        var indexes = new List<int>();
        foreach (var (c, i) in (submission.Constraints ?? []).Select((c, i) => (c, i)))
        {
            var before = problems.Count;
            var at = $"constraints[{i}]";
            if (c is null) { Problem(at, "null"); continue; }
            var type = c.Type?.Trim().ToLowerInvariant();
            if (type is null || !Types.Contains(type))
            {
                Problem($"{at}.type", c.Type is null ? $"required: one of {string.Join(", ", Types)}" : $"'{c.Type}' is not one of {string.Join(", ", Types)}");
                continue;
            }
            var needsVms = type != "offline";
            var needsNodes = type is "ban" or "fence" or "offline";
            var needsGroups = type == "latency";
            if (needsVms && c.Vms is null or { Count: 0 }) Problem($"{at}.vms", $"required by {type}: the VMs it names");
            if (!needsVms && c.Vms is { Count: > 0 }) Problem($"{at}.vms", $"{type} names no VM");
            if (needsNodes && c.Nodes is null or { Count: 0 }) Problem($"{at}.nodes", $"required by {type}: the nodes it names");
            if (!needsNodes && c.Nodes is { Count: > 0 }) Problem($"{at}.nodes", $"{type} takes no 'nodes'{(needsGroups ? ": give 'groups' of nodes" : "")}");
            if (needsGroups && c.Groups is null or { Count: 0 }) Problem($"{at}.groups", "required by latency: groups of nodes, the VMs all in one of them");
            if (!needsGroups && c.Groups is { Count: > 0 }) Problem($"{at}.groups", $"{type} takes no 'groups'");
            NoNulls(c.Vms, $"{at}.vms", Problem);
            NoNulls(c.Nodes, $"{at}.nodes", Problem);
            foreach (var (group, g) in (c.Groups ?? []).Select((g, j) => (g, j)))
                if (group is null) Problem($"{at}.groups[{g}]", "null: a list of nodes");
                else NoNulls(group, $"{at}.groups[{g}]", Problem);
            var names = c.Vms.ToArrayOrEmpty();
            var nodes = c.Nodes.ToArrayOrEmpty();
            constraints.Add(type switch
            {
                "ban" => new Ban(names, nodes),
                "fence" => new Fence(names, nodes),
                "gather" => new Gather(names),
                "lonely" => new Lonely(names),
                "spread" => new Spread(names),
                "offline" => new Offline(nodes),
                _ => new Latency(names, [.. (c.Groups ?? []).Select(g => g.ToArrayOrEmpty())]),
            });
            if (problems.Count > before) constraints.RemoveAt(constraints.Count - 1); // not checked further: its shape is wrong
            else indexes.Add(i);
        }
        if (problems.Count > 0)
        {
            var invalid = new DiscoveryInvalidInputException(problems);
            invalid.Data[PartialSpec] = new Partial(new VeSpec(ve, [.. vms], [.. constraints]), indexes);
            throw invalid;
        }
        return new VeSpec(ve, [.. vms], [.. constraints]);
    }

    private static void NoNulls(IReadOnlyList<string>? names, string at, Action<string, string> problem)
    {
        foreach (var (name, i) in (names ?? []).Select((n, i) => (n, i)))
            if (string.IsNullOrWhiteSpace(name)) problem($"{at}[{i}]", name is null ? "null: a name" : "empty: a name");
    }
}
