using System.Collections.Immutable;
using CsCheck;
using Discovery.Constraints;
using Discovery.Language;
using Discovery.Model;

namespace Discovery.Tests.Language;

/// <summary>Properties of the VE language on random input: printing round-trips, and no text makes it throw.</summary>
public sealed class VeLanguagePropertyTests
{
    private static readonly string[] Nodes = ["n1", "n2", "n3", "wn-4", "SN1"];

    /// <summary>
    /// A random VE: 1-6 VMs of any expected CPU demand, 0-5 constraints over them and the nodes. VM names start with a letter and
    /// differ from node names: in the language a name is a VM if one is declared so (a VM named like a
    /// node it names cannot be written; the property found it).
    /// </summary>
    private static VeSpec RandomVe(int seed)
    {
        var random = new Random(seed);
        // CPU demand: all the vCPUs (printed without cpu:) one time in three, else anything from 0 to all of them.
        VmSpec Vm(string id, int vcpus) => new(id, vcpus, random.Next(1, 65536), $"img-{random.Next(100)}",
            random.Next(3) == 0 ? vcpus * 100 : random.Next(vcpus * 100 + 1));
        var vms = Enumerable.Range(1, random.Next(1, 7))
            .Select(i => Vm($"{(char)('a' + random.Next(13))}{i}", random.Next(1, 9)))
            .ToImmutableArray();
        ImmutableArray<string> SomeVms() => [.. vms.Select(v => v.Id).Where(_ => random.Next(2) == 0).DefaultIfEmpty(vms[0].Id)];
        ImmutableArray<string> SomeNodes() => [.. Nodes.Where(_ => random.Next(2) == 0).DefaultIfEmpty("n1")];
        var constraints = Enumerable.Range(0, random.Next(6)).Select(_ => random.Next(7) switch
        {
            0 => (PlacementConstraint)new Ban(SomeVms(), SomeNodes()),
            1 => new Fence(SomeVms(), SomeNodes()),
            2 => new Spread(SomeVms()),
            3 => new Gather(SomeVms()),
            4 => new Lonely(SomeVms()),
            5 => new Offline(SomeNodes()),
            _ => new Latency(SomeVms(), [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => SomeNodes())]),
        }).ToImmutableArray();
        return new VeSpec("random", vms, constraints);
    }

    private static string Canonical(VeSpec ve) =>
        string.Join("\n", ve.Vms.Select(v => v.ToString())) + "\n" +
        string.Join("\n", ve.Constraints.Select(c => $"{c.Name}[{string.Join(",", c.VmIds)}]({(c is Latency l ? string.Join("|", l.Groups.Select(g => string.Join(",", g))) : string.Join(",", c.NodeNames))})"));

    [Fact]
    public void Printing_a_ve_gives_text_that_compiles_to_the_same_ve()
    {
        Gen.Int.Sample(seed =>
        {
            var ve = RandomVe(seed);
            var text = VePrinter.Print(ve);
            var back = VeCompiler.Compile(text, "printed.ve", ve.Id);
            Assert.True(back.Succeeded, text + "\n" + string.Join("\n", back.Errors));
            Assert.Equal(Canonical(ve), Canonical(back.Ve!));
        }, iter: 500);
    }

    [Fact]
    public void Any_text_compiles_to_errors_or_a_ve_and_never_throws()
    {
        // Random text, and random splices of valid text (closer to what people mistype).
        var valid = VePrinter.Print(RandomVe(7)) + "$x = {a1} + n1 - {n2}; spread($x); $r[1..2];";
        var alphabet = Gen.Char["{}()[],;:+-=.%$\"/* \n\tabcn0123456789GiB"];
        Gen.OneOf(Gen.String[alphabet, 0, 200], Gen.Int[0, valid.Length].SelectMany(cut => Gen.Int[0, valid.Length].Select(len => valid.Remove(Math.Min(cut, valid.Length), Math.Min(len, valid.Length - Math.Min(cut, valid.Length))))))
            .Sample(text =>
            {
                var result = VeCompiler.Compile(text, "random.ve", "r", Nodes.ToHashSet());
                Assert.True(result.Succeeded ^ !result.Errors.IsEmpty);
                InfrastructureCompiler.Compile(text, "random.infra");
            }, iter: 3000);
    }
}
