using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary>
/// A kind of constraint argument. The language takes them in a constraint's declared order
/// (<c>ban(VMs, nodes)</c>); the JSON API takes each as its field (<c>vms</c>, <c>nodes</c>, <c>groups</c>).
/// </summary>
public enum ConstraintArgument
{
    /// <summary>A set of VMs of the VE.</summary>
    Vms,

    /// <summary>A set of nodes.</summary>
    Nodes,

    /// <summary>A list of node groups, each a set of nodes.</summary>
    NodeGroups,
}

/// <summary>A constraint's arguments by kind; a kind the constraint does not take stays empty.</summary>
public sealed record ConstraintArguments
{
    /// <summary>The VMs (<see cref="ConstraintArgument.Vms"/>).</summary>
    public ImmutableArray<string> Vms { get; init; } = [];

    /// <summary>The nodes (<see cref="ConstraintArgument.Nodes"/>).</summary>
    public ImmutableArray<string> Nodes { get; init; } = [];

    /// <summary>The node groups (<see cref="ConstraintArgument.NodeGroups"/>).</summary>
    public ImmutableArray<ImmutableArray<string>> Groups { get; init; } = [];
}

/// <summary>
/// What a constraint takes, declared once in its record: its keyword (in the language and as the JSON
/// <c>type</c>), its arguments in order, and how its record is built from them and read back. The
/// compiler, the printer, the JSON API and the CLI all derive from it, through <c>ConstraintRegistry</c>.
/// </summary>
public sealed class ConstraintShape
{
    private readonly Func<ConstraintArguments, PlacementConstraint> _create;
    private readonly Func<PlacementConstraint, ConstraintArguments> _read;

    private ConstraintShape(string keyword, Type type, ImmutableArray<ConstraintArgument> arguments,
        Func<ConstraintArguments, PlacementConstraint> create, Func<PlacementConstraint, ConstraintArguments> read)
    {
        if (arguments.Distinct().Count() != arguments.Length)
            throw new ArgumentException($"{keyword}: each kind of argument at most once (the JSON API has one field per kind)", nameof(arguments));
        (Keyword, Type, Arguments, _create, _read) = (keyword, type, arguments, create, read);
    }

    /// <summary>The shape of record <typeparamref name="T"/>: <paramref name="create"/> builds it from its arguments, <paramref name="read"/> gives them back.</summary>
    public static ConstraintShape Of<T>(string keyword, ImmutableArray<ConstraintArgument> arguments, Func<ConstraintArguments, T> create, Func<T, ConstraintArguments> read)
        where T : PlacementConstraint =>
        new(keyword, typeof(T), arguments, create, c => read((T)c));

    /// <summary>The keyword: <c>ban</c> in <c>ban({a}, {n1})</c> and in <c>{"type": "ban"}</c>.</summary>
    public string Keyword { get; }

    /// <summary>The record type.</summary>
    public Type Type { get; }

    /// <summary>The arguments, in the language's order.</summary>
    public ImmutableArray<ConstraintArgument> Arguments { get; }

    /// <summary>True when the constraint takes an argument of kind <paramref name="argument"/>.</summary>
    public bool Takes(ConstraintArgument argument) => Arguments.Contains(argument);

    /// <summary>The record with <paramref name="arguments"/> (the kinds it does not take are ignored).</summary>
    public PlacementConstraint Create(ConstraintArguments arguments) => _create(arguments);

    /// <summary>The arguments of <paramref name="constraint"/>, a record of this shape's type.</summary>
    /// <exception cref="ArgumentException"><paramref name="constraint"/> is of another type.</exception>
    public ConstraintArguments Read(PlacementConstraint constraint) =>
        constraint.GetType() == Type ? _read(constraint) : throw new ArgumentException($"'{constraint.GetType().Name}' is not a {Keyword} constraint", nameof(constraint));
}

/// <summary>A constraint record that declares its <see cref="ConstraintShape"/> (the registry takes only these).</summary>
public interface IShapedConstraint
{
    /// <summary>The record's keyword and arguments.</summary>
    static abstract ConstraintShape Shape { get; }
}
