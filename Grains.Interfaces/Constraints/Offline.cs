using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary><c>offline(nodes)</c>: the nodes must end empty (maintenance).</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.offline")]
public sealed record Offline([property: Id(0)] ImmutableArray<string> Nodes) : PlacementConstraint, IShapedConstraint
{
    /// <inheritdoc />
    public static ConstraintShape Shape { get; } = ConstraintShape.Of<Offline>("offline", [ConstraintArgument.Nodes],
        a => new Offline(a.Nodes), c => new() { Nodes = c.Nodes });

    /// <inheritdoc />
    public override string Name => Shape.Keyword;
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => [];
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
    /// <inheritdoc />
    public override PlacementConstraint RenameVms(Func<string, string> rename) => this;
}
