using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Constraints;

namespace Discovery.Language;

/// <summary>The outcome of compiling a VE text: the VE when there is no error, and every error found.</summary>
public sealed record VeCompilation(VeSpec? Ve, ImmutableArray<LanguageError> Errors)
{
    /// <summary>True when the text had no error.</summary>
    public bool Succeeded => Errors.IsEmpty && Ve is not null;
}

/// <summary>
/// The VE language (after the seed's Plasma script and btrplace's btrpsl): variables holding sets of
/// VMs, nodes or sets, VM declarations by template or properties, and constraints. Statements run in
/// order: a variable is defined before it is used. Every error of the text is reported, lexical,
/// syntactic and semantic, each with its line and column.
/// </summary>
public static class VeCompiler
{
    /// <summary>VM templates: vCPUs and memory (MiB).</summary>
    public static readonly IReadOnlyDictionary<string, (int VCpus, int MemoryMiB)> Templates = new Dictionary<string, (int, int)>
    {
        ["tiny"] = (1, 512),
        ["small"] = (1, 1024),
        ["medium"] = (2, 4096),
        ["large"] = (4, 8192),
    };

    /// <summary>The image of a VM declared without one.</summary>
    public const string DefaultImage = "debian-12";

    /// <summary>The variable holding every VM of the VE.</summary>
    public const string AllVms = "$ALL_VMS";

    /// <summary>
    /// Compiles <paramref name="text"/> (named <paramref name="file"/> in errors) into VE <paramref name="name"/>.
    /// <paramref name="nodes"/>: the known nodes, to report unknown ones (null: any name that is not a VM is a node).
    /// <paramref name="limits"/>: what a text may ask for (<see cref="LanguageLimits.Default"/> when null); past one, an error names it.
    /// </summary>
    public static VeCompilation Compile(string text, string file, string name, IReadOnlySet<string>? nodes = null, LanguageLimits? limits = null)
    {
        limits ??= LanguageLimits.Default;
        // Before anything reads it: a text past the limit costs no more than counting its bytes.
        if (TooLarge(text, file, limits) is { } tooLarge) return new VeCompilation(null, [tooLarge]);
        var errors = new List<LanguageError>();
        var statements = Parser.Parse(text, file, errors, limits);
        var scope = new Scope(file, errors, nodes, limits);
        // Declarations first: $ALL_VMS means every VM of the VE wherever it is declared.
        foreach (var d in statements.OfType<Declaration>()) scope.Declare(d);
        var constraints = new List<PlacementConstraint>();
        var spreads = new List<(Spread Spread, Position At)>();
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case Assignment a:
                    if (a.Variable == AllVms) scope.Error(a.At, $"{AllVms} is every VM of the VE: it cannot be assigned");
                    else if (scope.Evaluate(a.Value) is { } value) scope.Variables[a.Variable] = value;
                    break;
                case Call c:
                    if (scope.Constraint(c) is not { } constraint) break;
                    constraints.Add(constraint);
                    if (constraint is Spread spread) spreads.Add((spread, c.At));
                    break;
            }
        }
        // With the nodes known, a spread can be seen to never hold: fewer nodes allowed to its VMs than VMs.
        if (nodes is not null && errors.Count == 0 && spreads.Count > 0)
        {
            // One index for every spread: a text of many spreads costs one pass over its constraints, not one per spread.
            var allowedBySpread = CandidateNodes.AllowedForEach([.. nodes.Order(StringComparer.Ordinal)], [.. spreads.Select(s => (IReadOnlyCollection<string>)s.Spread.Vms)], constraints);
            foreach (var ((spread, at), allowed) in spreads.Zip(allowedBySpread))
                if (allowed.Count < spread.Vms.Length)
                    errors.Add(new(file, at, $"spread of {spread.Vms.Length} VMs can never hold: their constraints leave them {allowed.Count} node(s){(allowed.Count == 0 ? "" : $" ({string.Join(", ", allowed)})")}"));
        }
        if (scope.Vms.Count == 0 && errors.Count == 0) errors.Add(new(file, new Position(1, 1), "a VE needs at least one VM: declare one, e.g. 'web1 : small;'"));
        var ordered = errors.OrderBy(e => e.At.Line).ThenBy(e => e.At.Column).ToImmutableArray();
        return new VeCompilation(ordered.IsEmpty ? new VeSpec(name, [.. scope.Vms.Values], [.. constraints]) : null, ordered);
    }

    /// <summary>
    /// The error for a text larger than <paramref name="limits"/> allow, at the first character past the limit; null when it is not.
    /// </summary>
    public static LanguageError? TooLarge(string text, string file, LanguageLimits limits)
    {
        // Most texts are far below the limit in UTF-16 units times 3 (the most UTF-8 bytes one unit takes): no count needed.
        if ((long)text.Length * 3 <= limits.MaxTextBytes) return null;
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes <= limits.MaxTextBytes) return null;
        var (line, column, used) = (1, 1, 0);
        for (var i = 0; i < text.Length; i++)
        {
            used += char.IsSurrogatePair(text, i) ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (used > limits.MaxTextBytes) break;
            if (char.IsSurrogatePair(text, i)) i++;
            if (text[i] == '\n') (line, column) = (line + 1, 1);
            else column++;
        }
        return new LanguageError(file, new Position(line, column),
            $"the text is {bytes:N0} bytes, more than the {limits.MaxTextBytes:N0} a VE text may have");
    }

    /// <summary>
    /// A set's value: names (VMs or nodes) and nested sets, in first-seen order without repeats. Compared by reference, as a
    /// variable's value is the one instance every use of it shares.
    /// </summary>
    private sealed class SetValue
    {
        private SetValue(ImmutableArray<object> items, int depth) => (Items, Depth) = (items, depth);

        public ImmutableArray<object> Items { get; }

        /// <summary>1 for a set of names; one more than its deepest set for a set of sets.</summary>
        public int Depth { get; }

        /// <summary>Every name of the set, nested sets included: computed once (<see cref="Scope.Flatten"/>).</summary>
        public ImmutableArray<string>? Flattened { get; set; }

        public IEnumerable<string> Names => Items.OfType<string>();
        public IEnumerable<SetValue> Sets => Items.OfType<SetValue>();

        /// <summary><paramref name="items"/> without repeats (the items must already be distinct when <paramref name="distinct"/>).</summary>
        public static SetValue Of(IEnumerable<object> items, bool distinct = false)
        {
            ImmutableArray<object> list = distinct ? [.. items] : [.. items.Distinct()];
            var depth = 1;
            foreach (var item in list)
                if (item is SetValue s && s.Depth + 1 > depth) depth = s.Depth + 1;
            return new SetValue(list, depth);
        }
    }

    /// <summary>Items in first-added order without repeats, removable: a chain of unions and differences in linear time.</summary>
    private sealed class OrderedItems
    {
        private readonly List<object?> _slots = [];
        private readonly Dictionary<object, int> _at = [];

        public void Add(object item)
        {
            if (_at.ContainsKey(item)) return;
            _at[item] = _slots.Count;
            _slots.Add(item);
        }

        public void Remove(object item)
        {
            if (_at.Remove(item, out var slot)) _slots[slot] = null;
        }

        public IEnumerable<object> Items => _slots.OfType<object>();
    }

    private sealed class Scope(string file, List<LanguageError> errors, IReadOnlySet<string>? nodes, LanguageLimits limits)
    {
        public readonly Dictionary<string, SetValue> Variables = new(StringComparer.Ordinal);
        public readonly Dictionary<string, VmSpec> Vms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Position> _declaredAt = new(StringComparer.Ordinal);

        public void Error(Position at, string message) => errors.Add(new(file, at, message));

        public void Declare(Declaration d)
        {
            if (Ranges.Declared(d, "a VM name or a range like web[1..3]", Error, Spend) is not { } names || Size(d) is not { } size) return;
            foreach (var vm in names)
            {
                if (Vms.Count >= limits.MaxVms && !_declaredAt.ContainsKey(vm))
                {
                    Error(d.At, $"{vm} is one VM more than the {limits.MaxVms:N0} a VE may have");
                    return;
                }
                if (_declaredAt.TryGetValue(vm, out var first))
                {
                    Error(d.At, $"VM {vm} is already declared at {first}");
                    continue;
                }
                _declaredAt[vm] = d.At;
                Vms[vm] = new VmSpec(vm, size.VCpus, size.MemoryMiB, size.Image, size.CpuDemand);
            }
        }

        /// <summary>A declaration's VM: vCPUs, memory, image and expected CPU demand (all its vCPUs unless it says <c>cpu:</c>).</summary>
        private (int VCpus, int MemoryMiB, string Image, int CpuDemand)? Size(Declaration d)
        {
            if (d.Template is { } template)
            {
                if (Templates.TryGetValue(template, out var t)) return (t.VCpus, t.MemoryMiB, DefaultImage, t.VCpus * 100);
                Error(d.At, $"unknown template '{template}': expected one of {string.Join(", ", Templates.Keys)} or {{vcpus: N, memory: SIZE, image: \"NAME\"}}");
                return null;
            }
            int? vcpus = null, memory = null;
            Property? cpu = null; // read once vcpus is known: it may come first
            var image = DefaultImage;
            var ok = true;
            foreach (var p in d.Properties)
            {
                switch (p.Key, p.Value.Kind)
                {
                    case ("vcpus", TokenKind.Number) when p.Value.Value > limits.MaxVCpus:
                        Error(p.At, $"vcpus: {p.Value.Value} is more than the {limits.MaxVCpus:N0} a VM may have"); ok = false; break;
                    case ("memory", TokenKind.Size or TokenKind.Number) when p.Value.Value > limits.MaxMemoryMiB:
                        Error(p.At, $"memory: {p.Value.Text} ({p.Value.Value:N0} MiB) is more than the {limits.MaxMemoryMiB:N0} MiB a VM may have"); ok = false; break;
                    case ("vcpus", TokenKind.Number) when p.Value.Value > 0: vcpus = (int)p.Value.Value; break;
                    case ("memory", TokenKind.Size or TokenKind.Number) when p.Value.Value > 0: memory = (int)p.Value.Value; break;
                    case ("image", TokenKind.String) when p.Value.Text.Length > 0: image = p.Value.Text; break;
                    case ("cpu", TokenKind.Percent) when CpuPercent.TryDemand(p.Value.Text, 1, out _): cpu = p; break;
                    case ("vcpus", _): Error(p.At, $"vcpus must be a positive number, got {p.Value.Describe()}"); ok = false; break;
                    case ("memory", _): Error(p.At, $"memory must be a positive size such as 512MiB or 8GiB, got {p.Value.Describe()}"); ok = false; break;
                    case ("image", _): Error(p.At, $"image must be a non-empty \"string\", got {p.Value.Describe()}"); ok = false; break;
                    case ("cpu", _): Error(p.At, $"cpu {CpuPercent.Problem(p.Value.Describe())}"); ok = false; break;
                    default: Error(p.At, $"unknown VM property '{p.Key}': expected vcpus, memory, cpu or image"); ok = false; break;
                }
            }
            if (ok && vcpus is null) { Error(d.At, "missing property vcpus"); ok = false; }
            if (ok && memory is null) { Error(d.At, "missing property memory"); ok = false; }
            if (!ok) return null;
            // Without cpu: the VM is assumed to use all its vCPUs.
            var demand = (int)Math.Min((long)vcpus!.Value * 100, int.MaxValue); // vcpus is at most limits.MaxVCpus: no overflow
            if (cpu is not null && !CpuPercent.TryDemand(cpu.Value.Text, vcpus.Value, out demand))
            {
                Error(cpu.At, $"cpu {cpu.Value.Text} of {vcpus} vCPUs is more hundredths of a core than a VM can have");
                return null;
            }
            return (vcpus.Value, memory!.Value, image, demand);
        }

        private IReadOnlyList<string>? Range(RangeRef r) => Ranges.Expand(r, Error, Spend);

        private long _spent; // names produced so far, against limits.MaxNames
        private bool _overspent;

        /// <summary>
        /// Takes <paramref name="names"/> from the text's budget of names; false (and one error, at the first place that
        /// overspends) when it is exhausted.
        /// </summary>
        public bool Spend(Position at, int names)
        {
            if (_overspent) return false;
            _spent += names;
            if (_spent <= limits.MaxNames) return true;
            _overspent = true;
            Error(at, $"more than {limits.MaxNames:N0} names in total from ranges and sets here: the limit of a VE text");
            return false;
        }

        /// <summary>
        /// The set of <paramref name="items"/>, paid for from the budget unless <paramref name="paid"/> already (a range's
        /// names, a chain's terms); null past the budget or the depth limit.
        /// </summary>
        private SetValue? Make(Position at, IEnumerable<object> items, bool distinct = false, bool paid = false)
        {
            var value = SetValue.Of(items, distinct);
            if (!paid && !Spend(at, value.Items.Length)) return null;
            if (value.Depth <= limits.MaxDepth) return value;
            Error(at, $"sets of sets nest {value.Depth} deep here, more than the {limits.MaxDepth} a VE text may have");
            return null;
        }

        private static string Show(RangeRef r) => Ranges.Show(r);

        public SetValue? Evaluate(Expr e)
        {
            switch (e)
            {
                case SetLiteral s:
                {
                    var items = new List<object>();
                    var ok = true;
                    foreach (var item in s.Items)
                    {
                        // {a, b} lists names; {$R1, $R2} lists sets; {$T1 + x} is the one set it denotes.
                        if (item is NameRef n) items.Add(n.Name);
                        else if (Evaluate(item) is { } v)
                        {
                            if (item is VariableRef or SetLiteral) items.Add(v);
                            else items.AddRange(v.Items);
                        }
                        else ok = false;
                    }
                    return ok ? Make(s.At, items) : null;
                }
                case NameRef n:
                    return Make(n.At, [n.Name]);
                case VariableRef v when v.Name == AllVms:
                    return Make(v.At, Vms.Keys, distinct: true);
                case VariableRef v:
                    if (Variables.TryGetValue(v.Name, out var value)) return value;
                    Error(v.At, $"undefined variable {v.Name}");
                    return null;
                case RangeRef { Variables: false } r:
                    return Range(r) is { } list ? Make(r.At, list, distinct: true, paid: true) : null;
                case RangeRef r:
                {
                    if (Range(r) is not { } names) return null;
                    var sets = new List<object>();
                    foreach (var name in names)
                    {
                        if (Variables.TryGetValue(name, out var set)) sets.Add(set);
                        else
                        {
                            Error(r.At, $"undefined variable {name} (in {Show(r)})");
                            return null;
                        }
                    }
                    return Make(r.At, sets);
                }
                case Chain c:
                {
                    // Every term evaluated (so that each one's errors are reported), then folded from left to right.
                    var first = Evaluate(c.First);
                    var terms = c.Rest.Select(t => (t.Operator, Value: Evaluate(t.Term))).ToList();
                    if (first is null || terms.Any(t => t.Value is null)) return null;
                    var result = new OrderedItems();
                    foreach (var item in first.Items) result.Add(item);
                    foreach (var (op, term) in terms)
                    {
                        if (!Spend(c.At, term!.Items.Length)) return null;
                        foreach (var item in term.Items)
                            if (op == '+') result.Add(item);
                            else result.Remove(item);
                    }
                    return Make(c.At, result.Items, distinct: true, paid: true);
                }
                default:
                    Error(e.At, "not a set");
                    return null;
            }
        }

        public PlacementConstraint? Constraint(Call c)
        {
            if (ConstraintRegistry.ShapeOf(c.Name) is not { } shape)
            {
                Error(c.At, $"unknown constraint '{c.Name}': expected {string.Join(", ", ConstraintRegistry.Keywords[..^1])} or {ConstraintRegistry.Keywords[^1]}");
                return null;
            }
            var expected = shape.Arguments.Length;
            if (c.Arguments.Length != expected)
            {
                Error(c.At, $"{c.Name} takes {expected} argument{(expected == 1 ? "" : "s")} {c.Name}({string.Join(", ", shape.Arguments.Select(Describe))}), got {c.Arguments.Length}");
                return null;
            }
            var values = c.Arguments.Select(Evaluate).ToList();
            if (values.Any(v => v is null)) return null;
            // Argument by argument, stopping at the first wrong one (its error is the one worth reading).
            var arguments = new ConstraintArguments();
            for (var i = 0; i < expected; i++)
            {
                switch (shape.Arguments[i])
                {
                    case ConstraintArgument.Vms when VmsOf(c, i, values[i]!) is { } vms: arguments = arguments with { Vms = vms }; break;
                    case ConstraintArgument.Nodes when NodesOf(c, i, values[i]!) is { } nodes: arguments = arguments with { Nodes = nodes }; break;
                    case ConstraintArgument.NodeGroups when GroupsOf(c, i, values[i]!) is { } groups: arguments = arguments with { Groups = groups }; break;
                    default: return null;
                }
            }
            return shape.Create(arguments);
        }

        /// <summary>An argument as the arity error shows it: ban(VMs, nodes), latency(VMs, {node groups}).</summary>
        private static string Describe(ConstraintArgument argument) => argument switch
        {
            ConstraintArgument.Vms => "VMs",
            ConstraintArgument.Nodes => "nodes",
            ConstraintArgument.NodeGroups => "{node groups}",
            _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "no such kind of argument"),
        };

        private ImmutableArray<string>? VmsOf(Call c, int index, SetValue value)
        {
            var at = c.Arguments[index].At;
            if (Flatten(at, value) is not { } names || !Spend(at, names.Length)) return null;
            var unknown = names.Where(n => !Vms.ContainsKey(n)).ToList();
            if (unknown.Count > 0)
            {
                Error(at, $"{c.Name}: undeclared VM{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)}");
                return null;
            }
            if (names.Length == 0)
            {
                Error(at, $"{c.Name}: the set of VMs is empty");
                return null;
            }
            return names;
        }

        private ImmutableArray<string>? NodesOf(Call c, int index, SetValue value)
        {
            var at = c.Arguments[index].At;
            if (Flatten(at, value) is not { } names || !Spend(at, names.Length)) return null;
            var vms = names.Where(Vms.ContainsKey).ToList();
            if (vms.Count > 0)
            {
                Error(at, $"{c.Name}: {string.Join(", ", vms)} {(vms.Count == 1 ? "is a VM" : "are VMs")}, expected nodes");
                return null;
            }
            if (nodes is not null && names.Where(n => !nodes.Contains(n)).ToList() is { Count: > 0 } unknown)
            {
                Error(at, $"{c.Name}: unknown node{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)}");
                return null;
            }
            if (names.Length == 0)
            {
                Error(at, $"{c.Name}: the set of nodes is empty");
                return null;
            }
            return names;
        }

        private ImmutableArray<ImmutableArray<string>>? GroupsOf(Call c, int index, SetValue value)
        {
            if (value.Names.Any() || !value.Sets.Any())
            {
                Error(c.Arguments[index].At, $"{c.Name}: expected a set of node groups such as {{{{N1, N2}}, {{N3}}}} or {{$R1, $R2}}");
                return null;
            }
            var groups = new List<ImmutableArray<string>>();
            foreach (var group in value.Sets)
                if (NodesOf(c, index, group) is { } names) groups.Add(names);
                else return null;
            return [.. groups];
        }

        /// <summary>
        /// Every name of a set, nested sets included (a set of sets used where names are expected), once per set: a set
        /// named many times, or nested in many sets, is flattened once. The recursion is as deep as the set, at most
        /// <see cref="LanguageLimits.MaxDepth"/>; the names read are paid for from the budget. Null past the budget.
        /// </summary>
        public ImmutableArray<string>? Flatten(Position at, SetValue value)
        {
            if (value.Flattened is { } done) return done;
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in value.Items)
            {
                if (item is string name)
                {
                    if (seen.Add(name)) names.Add(name);
                    continue;
                }
                if (Flatten(at, (SetValue)item) is not { } inner || !Spend(at, inner.Length)) return null;
                foreach (var n in inner)
                    if (seen.Add(n)) names.Add(n);
            }
            value.Flattened = [.. names];
            return value.Flattened;
        }
    }
}
