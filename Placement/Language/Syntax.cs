using System.Collections.Immutable;

namespace Discovery.Language;

/// <summary>An expression denoting a set (of VM names, node names, or sets).</summary>
internal abstract record Expr(Position At);

/// <summary><c>{a, b, $c}</c></summary>
internal sealed record SetLiteral(ImmutableArray<Expr> Items, Position At) : Expr(At);

/// <summary><c>$name</c></summary>
internal sealed record VariableRef(string Name, Position At) : Expr(At);

/// <summary><c>name</c>: one VM or node.</summary>
internal sealed record NameRef(string Name, Position At) : Expr(At);

/// <summary><c>VM[4..7]</c> (names) or <c>$R[1..3]</c> (variables).</summary>
internal sealed record RangeRef(string Prefix, bool Variables, int From, int To, Position At) : Expr(At);

/// <summary>
/// <c>a + b - c</c>: unions (<c>+</c>) and differences (<c>-</c>) from left to right. One node for the whole chain,
/// so a chain of any length is neither a deep tree nor evaluated by recursion.
/// </summary>
internal sealed record Chain(Expr First, ImmutableArray<(char Operator, Expr Term)> Rest, Position At) : Expr(At);

/// <summary>A statement of a VE or infrastructure text.</summary>
internal abstract record Statement(Position At);

/// <summary><c>$name = expr;</c></summary>
internal sealed record Assignment(string Variable, Expr Value, Position At) : Statement(At);

/// <summary>
/// <c>web[1..3] : small;</c> or <c>db1 : {vcpus: 4, memory: 8GiB, cpu: 25%};</c>: VMs in a VE text, nodes in an
/// infrastructure text. <see cref="Template"/> or <see cref="Properties"/>, never both.
/// </summary>
internal sealed record Declaration(Expr Names, string? Template, ImmutableArray<Property> Properties, Position At) : Statement(At);

/// <summary>One <c>key: value</c> of an explicit declaration; the value is a number, a size (MiB), a percentage or a string.</summary>
internal sealed record Property(string Key, Token Value, Position At);

/// <summary><c>spread($T1);</c>: a constraint.</summary>
internal sealed record Call(string Name, ImmutableArray<Expr> Arguments, Position At) : Statement(At);
