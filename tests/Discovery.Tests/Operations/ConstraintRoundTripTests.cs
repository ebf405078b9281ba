using System.Text.Json;
using Discovery.Client;
using Discovery.Constraints;
using Discovery.Language;
using Discovery.Model;
using Discovery.Placement.Constraints;
using Discovery.Silo.Operations;
using Discovery.Tests.Placement.Constraints;

namespace Discovery.Tests.Operations;

/// <summary>
/// Every registered constraint goes language → record → JSON → record unchanged (driven from the registry, so a new
/// constraint is covered without editing this file), and an unknown type is refused by name in both forms.
/// </summary>
public sealed class ConstraintRoundTripTests
{
    private static readonly HashSet<string> Nodes = ["n1", "n2", "n3"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Keywords() => ConstraintShapeTests.Keywords();

    [Theory, MemberData(nameof(Keywords))]
    public void Language_then_json_gives_the_same_constraint(string keyword)
    {
        var shape = ConstraintRegistry.ShapeOf(keyword)!;
        var expected = ConstraintShapeTests.Canonical(shape, ConstraintShapeTests.Sample);
        var text = $"a : tiny;\nb : tiny;\n{VePrinter.Statement(shape.Create(ConstraintShapeTests.Sample))};\n";

        var compiled = VeCompiler.Compile(text, "t.ve", "ve", Nodes);
        Assert.Empty(compiled.Errors);
        var fromText = Assert.Single(compiled.Ve!.Constraints);
        Assert.Equal(shape.Type, fromText.GetType());
        Assert.Equal(expected, ConstraintShapeTests.Canonical(shape, shape.Read(fromText)));

        var json = JsonSerializer.Serialize(new VeSubmission(Vms: [new VmJson("a", 1, 512), new VmJson("b", 1, 512)], Constraints: [ConstraintJson.From(fromText)]), Json);
        var parsed = VeSubmissions.Parse("ve", JsonSerializer.Deserialize<VeSubmission>(json, Json)!);
        Assert.Empty(parsed.Problems);
        var fromJson = Assert.Single(parsed.Spec.Constraints);
        Assert.Equal(shape.Type, fromJson.GetType());
        Assert.Equal(expected, ConstraintShapeTests.Canonical(shape, shape.Read(fromJson)));
    }

    [Theory, MemberData(nameof(Keywords))]
    public void Json_names_only_the_fields_the_constraint_takes(string keyword)
    {
        var shape = ConstraintRegistry.ShapeOf(keyword)!;
        var json = JsonSerializer.SerializeToElement(ConstraintJson.From(shape.Create(ConstraintShapeTests.Sample)), Json);
        Assert.Equal(
            ["type", .. shape.Arguments.Select(a => a switch { ConstraintArgument.Vms => "vms", ConstraintArgument.Nodes => "nodes", _ => "groups" })],
            json.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name));
        Assert.Equal(keyword, json.GetProperty("type").GetString());
    }

    [Fact]
    public void An_unknown_json_type_is_refused_at_its_field_with_its_name_and_the_known_ones()
    {
        var parsed = VeSubmissions.Parse("ve", new VeSubmission(Vms: [new VmJson("a", 1, 512)], Constraints: [new ConstraintJson("capacity", ["a"])]));
        Assert.Equal([new InputProblem("constraints[0].type", null, null, "'capacity' is not one of ban, fence, gather, latency, lonely, offline, spread")], parsed.Problems);
        Assert.Empty(parsed.Spec.Constraints);
    }

    [Fact]
    public void An_unknown_constraint_in_the_language_is_refused_with_its_name_and_the_known_ones() =>
        Assert.Equal(["t.ve:2:1: unknown constraint 'capacity': expected ban, fence, spread, latency, gather, lonely or offline"],
            VeCompiler.Compile("a : tiny;\ncapacity({a});\n", "t.ve", "ve").Errors.Select(e => e.ToString()));

    private sealed record Unregistered(System.Collections.Immutable.ImmutableArray<string> Vms) : PlacementConstraint
    {
        public override string Name => "latency"; // a name is not a shape: nothing is taken for latency any more
        public override System.Collections.Immutable.ImmutableArray<string> VmIds => Vms;
        public override IEnumerable<string> NodeNames => [];
        public override PlacementConstraint RenameVms(Func<string, string> rename) => this;
    }

    [Fact]
    public void An_unregistered_record_is_not_written_as_json() =>
        Assert.Equal("No implementation mapped to 'Unregistered'", Assert.Throws<NotSupportedException>(() => ConstraintJson.From(new Unregistered(["a"]))).Message);
}
