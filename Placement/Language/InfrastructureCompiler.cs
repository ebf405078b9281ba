using System.Collections.Immutable;
using Discovery.Model;

namespace Discovery.Language;

/// <summary>One node of an infrastructure text.</summary>
public sealed record InfrastructureNode(string Name, Resources Capacity, string Site);

/// <summary>The outcome of compiling an infrastructure text: its nodes in declaration order, and every error found.</summary>
public sealed record InfrastructureCompilation(ImmutableArray<InfrastructureNode> Nodes, ImmutableArray<LanguageError> Errors)
{
    /// <summary>True when the text had no error.</summary>
    public bool Succeeded => Errors.IsEmpty;
}

/// <summary>
/// Infrastructure texts, in the VE language: node declarations such as
/// <c>WN[1..11] : {cores: 8, memory: 32GiB, site: "rennes"};</c> (site optional, <c>local</c> by default).
/// Variables and constraints belong in VE texts.
/// </summary>
public static class InfrastructureCompiler
{
    /// <summary>The site of a node declared without one.</summary>
    public const string DefaultSite = "local";

    /// <summary>Compiles <paramref name="text"/> (named <paramref name="file"/> in errors).</summary>
    public static InfrastructureCompilation Compile(string text, string file)
    {
        var errors = new List<LanguageError>();
        void Error(Position at, string message) => errors.Add(new(file, at, message));
        var nodes = new List<InfrastructureNode>();
        var declaredAt = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var statement in Parser.Parse(text, file, errors))
        {
            switch (statement)
            {
                case Call c:
                    Error(c.At, $"constraints such as {c.Name}(...) belong in VE files, not in an infrastructure file");
                    break;
                case Assignment a:
                    Error(a.At, $"variables such as {a.Variable} belong in VE files: an infrastructure file declares nodes");
                    break;
                case Declaration { Template: { } template } d:
                    Error(d.At, $"nodes are declared with {{cores: N, memory: SIZE, site: \"NAME\"}}, not a template ('{template}')");
                    break;
                case Declaration d:
                {
                    var names = Ranges.Declared(d, "a node name or a range like WN[1..11]", Error);
                    if (names is null || Node(d, Error) is not { } shape) break;
                    foreach (var name in names)
                    {
                        if (declaredAt.TryGetValue(name, out var first)) Error(d.At, $"node {name} is already declared at {first}");
                        else
                        {
                            declaredAt[name] = d.At;
                            nodes.Add(new InfrastructureNode(name, shape.Capacity, shape.Site));
                        }
                    }
                    break;
                }
            }
        }
        if (nodes.Count == 0 && errors.Count == 0) Error(new Position(1, 1), "an infrastructure needs at least one node: declare one, e.g. 'WN1 : {cores: 8, memory: 32GiB};'");
        return new InfrastructureCompilation([.. nodes], [.. errors.OrderBy(e => e.At.Line).ThenBy(e => e.At.Column)]);
    }

    private static (Resources Capacity, string Site)? Node(Declaration d, Action<Position, string> error)
    {
        int? cores = null, memory = null;
        var site = DefaultSite;
        var ok = true;
        foreach (var p in d.Properties)
        {
            switch (p.Key, p.Value.Kind)
            {
                case ("cores", TokenKind.Number) when p.Value.Value is > 0 and <= 100_000: cores = (int)p.Value.Value; break;
                case ("memory", TokenKind.Size or TokenKind.Number) when p.Value.Value is > 0 and <= int.MaxValue: memory = (int)p.Value.Value; break;
                case ("site", TokenKind.String) when p.Value.Text.Length > 0: site = p.Value.Text; break;
                case ("cores", _): error(p.At, $"cores must be a positive number, got {p.Value.Describe()}"); ok = false; break;
                case ("memory", _): error(p.At, $"memory must be a positive size such as 32GiB, got {p.Value.Describe()}"); ok = false; break;
                case ("site", _): error(p.At, $"site must be a non-empty \"string\", got {p.Value.Describe()}"); ok = false; break;
                default: error(p.At, $"unknown node property '{p.Key}': expected cores, memory or site"); ok = false; break;
            }
        }
        if (ok && cores is null) { error(d.At, "missing property cores"); ok = false; }
        if (ok && memory is null) { error(d.At, "missing property memory"); ok = false; }
        return ok ? (Resources.OfCores(cores!.Value, memory!.Value), site) : null;
    }
}
