using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Language;
using Discovery.Placement.Constraints;

namespace Discovery.Tests.Placement.Constraints;

/// <summary>Each registered constraint declares its keyword and arguments once, in its record; the registry knows exactly these.</summary>
public sealed class ConstraintShapeTests
{
    private sealed record Unregistered(ImmutableArray<string> Vms) : PlacementConstraint
    {
        public override string Name => "unregistered";
        public override ImmutableArray<string> VmIds => Vms;
        public override IEnumerable<string> NodeNames => [];
        public override PlacementConstraint RenameVms(Func<string, string> rename) => this;
    }

    /// <summary>Every registered keyword, for theories that must cover a new constraint without being edited.</summary>
    public static TheoryData<string> Keywords() => [.. ConstraintRegistry.Keywords];

    /// <summary>Sample arguments: two VMs, two nodes, two node groups (every kind filled, so that a dropped one shows).</summary>
    internal static readonly ConstraintArguments Sample = new() { Vms = ["a", "b"], Nodes = ["n1", "n2"], Groups = [["n1", "n2"], ["n3"]] };

    /// <summary>Only the kinds <paramref name="shape"/> takes, as text, so that two records compare by value.</summary>
    internal static string Canonical(ConstraintShape shape, ConstraintArguments arguments) =>
        string.Join(" ", shape.Arguments.Select(a => a switch
        {
            ConstraintArgument.Vms => $"vms[{string.Join(",", arguments.Vms)}]",
            ConstraintArgument.Nodes => $"nodes[{string.Join(",", arguments.Nodes)}]",
            _ => $"groups[{string.Join(";", arguments.Groups.Select(g => string.Join(",", g)))}]",
        }));

    [Fact]
    public void The_registry_has_exactly_the_seven_constraints_in_the_languages_order() =>
        Assert.Equal(["ban", "fence", "spread", "latency", "gather", "lonely", "offline"], ConstraintRegistry.Keywords.AsEnumerable());

    [Fact]
    public void Each_record_takes_its_declared_arguments() =>
        Assert.Equal(["ban(Vms,Nodes)", "fence(Vms,Nodes)", "spread(Vms)", "latency(Vms,NodeGroups)", "gather(Vms)", "lonely(Vms)", "offline(Nodes)"],
            ConstraintRegistry.Shapes.Select(s => $"{s.Keyword}({string.Join(",", s.Arguments)})"));

    [Theory, MemberData(nameof(Keywords))]
    public void A_record_built_from_its_shape_is_of_its_type_carries_its_keyword_and_reads_back_its_arguments(string keyword)
    {
        var shape = ConstraintRegistry.ShapeOf(keyword)!;
        var constraint = shape.Create(Sample);
        Assert.Equal(shape.Type, constraint.GetType());
        Assert.Equal(keyword, constraint.Name);
        Assert.Same(shape, ConstraintRegistry.ShapeOf(constraint));
        Assert.Equal(Canonical(shape, Sample), Canonical(shape, shape.Read(constraint)));
    }

    [Fact]
    public void An_unknown_or_differently_cased_keyword_has_no_shape()
    {
        Assert.Null(ConstraintRegistry.ShapeOf("capacity"));
        Assert.Null(ConstraintRegistry.ShapeOf("Ban"));
    }

    [Fact]
    public void An_unregistered_record_has_no_shape_and_is_not_printed() =>
        Assert.All(new Action[] { () => ConstraintRegistry.ShapeOf(new Unregistered(["a"])), () => VePrinter.Statement(new Unregistered(["a"])) },
            act => Assert.Equal("No implementation mapped to 'Unregistered'", Assert.Throws<NotSupportedException>(act).Message));

    [Fact]
    public void A_shape_reads_only_its_own_type() =>
        Assert.Equal("'Spread' is not a ban constraint (Parameter 'constraint')",
            Assert.Throws<ArgumentException>(() => Ban.Shape.Read(new Spread(["a"]))).Message);

    [Fact]
    public void A_shape_takes_each_kind_of_argument_at_most_once() =>
        Assert.Equal("pair: each kind of argument at most once (the JSON API has one field per kind) (Parameter 'arguments')",
            Assert.Throws<ArgumentException>(() => ConstraintShape.Of<Ban>("pair", [ConstraintArgument.Vms, ConstraintArgument.Vms], a => new Ban(a.Vms, a.Vms), b => new() { Vms = b.Vms })).Message);

    [Fact]
    public void The_printer_writes_each_argument_in_its_declared_order() =>
        Assert.Equal(["ban({a, b}, {n1, n2})", "latency({a, b}, {{n1, n2}, {n3}})", "offline({n1, n2})", "spread({a, b})"],
            new[] { "ban", "latency", "offline", "spread" }.Select(k => VePrinter.Statement(ConstraintRegistry.ShapeOf(k)!.Create(Sample))));
}
