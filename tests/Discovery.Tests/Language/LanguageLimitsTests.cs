using System.Text;
using Discovery.Language;

namespace Discovery.Tests.Language;

/// <summary>
/// The limits of <see cref="LanguageLimits"/> in the VE language: each past its limit is one error with its position that
/// names the limit, and each at its limit still compiles. Texts such as these overflowed a silo's stack before.
/// </summary>
public sealed class LanguageLimitsTests
{
    private static VeCompilation Compile(string text, LanguageLimits? limits = null) => VeCompiler.Compile(text, "limits.ve", "limits", null, limits);

    private static string[] Errors(string text, LanguageLimits? limits = null) => [.. Compile(text, limits).Errors.Select(e => e.ToString())];

    /// <summary><c>$a = {{{...vm1...}}};</c> with <paramref name="depth"/> braces, after the declaration of vm1.</summary>
    private static string NestedBraces(int depth) => $"vm1 : tiny;\n$a = {new string('{', depth)}vm1{new string('}', depth)};\nspread($a);";

    [Fact]
    public void A_text_past_its_size_is_refused_before_it_is_read_at_the_first_byte_past_the_limit()
    {
        var fits = "vm1 : tiny;\n//" + new string('x', 65_536 - 14);
        Assert.Equal(65_536, Encoding.UTF8.GetByteCount(fits));
        Assert.True(Compile(fits).Succeeded);
        // One byte more: the 65,537th byte is line 2, column 65,536 - 12 + 1.
        Assert.Equal(["limits.ve:2:65525: the text is 65,537 bytes, more than the 65,536 a VE text may have"], Errors(fits + "x"));
        // Bytes, not characters: 'é' is two.
        Assert.Equal(["limits.ve:2:65524: the text is 65,537 bytes, more than the 65,536 a VE text may have"], Errors(fits[..^1] + "é"));
        // The 200 KB text of nested braces that killed a silo: refused by its size alone.
        var braces = NestedBraces(100_000);
        Assert.Equal([$"limits.ve:2:65525: the text is {Encoding.UTF8.GetByteCount(braces):N0} bytes, more than the 65,536 a VE text may have"], Errors(braces));
    }

    [Fact]
    public void Sets_nest_at_most_32_deep()
    {
        Assert.True(Compile(NestedBraces(32)).Succeeded);
        // The 33rd '{' of "$a = {{{...": column 5 + 33.
        // Then $a is undefined, as after any error in its value.
        Assert.Equal(["limits.ve:2:38: sets and parentheses nest more than 32 deep here: the limit of a VE text", "limits.ve:3:8: undefined variable $a"],
            Errors(NestedBraces(33)));
        // Far past the text's size limit too: the parser stops at the limit, whatever follows.
        Assert.Equal(["limits.ve:2:38: sets and parentheses nest more than 32 deep here: the limit of a VE text", "limits.ve:3:8: undefined variable $a"],
            Errors(NestedBraces(1_000_000), new LanguageLimits { MaxTextBytes = int.MaxValue }));
    }

    [Fact]
    public void Parentheses_count_towards_the_same_depth()
    {
        static string Nested(int depth) => $"vm1 : tiny;\n$a = {new string('(', depth - 1)}{{vm1}}{new string(')', depth - 1)};\nspread($a);";
        Assert.True(Compile(Nested(32)).Succeeded);
        Assert.Equal(["limits.ve:2:38: sets and parentheses nest more than 32 deep here: the limit of a VE text", "limits.ve:3:8: undefined variable $a"],
            Errors(Nested(33)));
        // In a constraint's arguments, the same.
        Assert.Equal(["limits.ve:2:40: sets and parentheses nest more than 32 deep here: the limit of a VE text"],
            Errors("vm1 : tiny;\nspread(" + new string('(', 33) + "{vm1}" + new string(')', 33) + ");"));
        Assert.Equal(["limits.ve:2:40: sets and parentheses nest more than 32 deep here: the limit of a VE text"],
            Errors("vm1 : tiny;\nspread(" + new string('{', 40) + "vm1" + new string('}', 40) + ");"));
    }

    [Fact]
    public void Sets_of_sets_built_through_variables_nest_at_most_32_deep()
    {
        // $s1 = {vm1}; $s2 = {$s1}; ...: no deep syntax, but a value 40 sets deep (flattening it recursed without limit).
        var text = "vm1 : tiny;\n$s1 = {vm1};\n" + string.Join("\n", Enumerable.Range(2, 39).Select(i => $"$s{i} = {{$s{i - 1}}};")) + "\nspread($s40);";
        // Line k + 1 is "$sk = {$sk-1};": the 33rd set at line 34's '{'; then each later variable is undefined, as after any
        // error in its value.
        Assert.Equal([
            "limits.ve:34:8: sets of sets nest 33 deep here, more than the 32 a VE text may have",
            .. Enumerable.Range(34, 7).Select(k => $"limits.ve:{k + 1}:9: undefined variable $s{k - 1}"),
            "limits.ve:42:8: undefined variable $s40",
        ], Errors(text));
        Assert.True(Compile("vm1 : tiny;\n$s1 = {vm1};\n" + string.Join("\n", Enumerable.Range(2, 31).Select(i => $"$s{i} = {{$s{i - 1}}};")) + "\nspread($s32);").Succeeded);
    }

    [Fact]
    public void A_long_chain_of_unions_and_differences_is_read_and_folded_in_linear_time()
    {
        // 100,000 terms: a tree of binary operators this deep overflowed the stack, and folding it copied the set each time.
        var terms = Enumerable.Range(1, 100_000).Select(i => $"n{i}").ToList();
        var text = "vm1 : tiny;\n$a = " + string.Join(" + ", terms) + " - n2 - n4;\nban({vm1}, $a + n2);";
        var compiled = Compile(text, new LanguageLimits { MaxTextBytes = int.MaxValue, MaxNames = 1_000_000 });
        Assert.True(compiled.Succeeded, string.Join("\n", compiled.Errors.Take(3)));
        // Union then difference from left to right, in first-seen order: n2 removed then added again at the end.
        var nodes = compiled.Ve!.Constraints.Single().NodeNames.ToList();
        Assert.Equal(99_999, nodes.Count);
        Assert.Equal(["n1", "n3", "n5", "n6"], nodes.Take(4));
        Assert.Equal("n2", nodes[^1]);
    }

    [Fact]
    public void A_chain_within_the_default_size_compiles()
    {
        var text = "vm1 : tiny;\n$a = " + string.Join("+", Enumerable.Repeat("vm1", 16_000)) + ";\nspread($a);";
        Assert.True(Compile(text).Succeeded);
    }

    [Fact]
    public void Ranges_and_sets_together_produce_at_most_100000_names()
    {
        // Each range below the per-range cap, eleven of them a million names: the second one overspends.
        var text = "vm1 : tiny;\n" + string.Join("\n", Enumerable.Range(1, 11).Select(i => $"$r{i} = n[1..99999];")) + "\nban({vm1}, $r1);";
        Assert.Equal(["limits.ve:3:7: more than 100,000 names in total from ranges and sets here: the limit of a VE text"], Errors(text));
        // The names a constraint is given count too: a set of 1,000 names given to many constraints. Each ban costs 1 ({vm1}),
        // 1 (its VM) and 1,000 (its nodes): the 99th, on line 101, overspends at its nodes.
        var reuse = "vm1 : tiny;\n$r = n[1..1000];\n" + string.Join("\n", Enumerable.Range(1, 200).Select(i => "ban({vm1}, $r);"));
        Assert.Equal(["limits.ve:101:12: more than 100,000 names in total from ranges and sets here: the limit of a VE text"], Errors(reuse));
        Assert.True(Compile(string.Join("\n", reuse.Split('\n')[..100])).Succeeded);
    }

    [Fact]
    public void A_ve_declares_at_most_1000_vms()
    {
        Assert.Equal(1_000, Compile("web[1..1000] : tiny;").Ve!.Vms.Length);
        Assert.Equal(["limits.ve:2:1: db1 is one VM more than the 1,000 a VE may have"], Errors("web[1..1000] : tiny;\ndb1 : small;"));
        Assert.Equal(["limits.ve:1:1: web1001 is one VM more than the 1,000 a VE may have"], Errors("web[1..5000] : tiny;"));
    }

    [Fact]
    public void Vcpus_and_memory_past_what_a_vm_may_have_are_refused_in_the_text()
    {
        Assert.Equal(["limits.ve:1:9: vcpus: 42949673 is more than the 4,096 a VM may have"], Errors("web1 : {vcpus: 42949673, memory: 1GiB};"));
        Assert.Equal(["limits.ve:1:19: memory: 17TiB (17,825,792 MiB) is more than the 16,777,216 MiB a VM may have"], Errors("web1 : {vcpus: 4, memory: 17TiB};"));
        Assert.Equal(409_600, Compile("web1 : {vcpus: 4096, memory: 16TiB};").Ve!.Vms[0].CpuDemand);
    }

    [Fact]
    public void A_set_nested_in_many_sets_is_flattened_once()
    {
        // $a(k+1) = {$a(k), $b(k)}, $b(k) a copy of $a(k): 2^30 paths down to vm1 in $a30, flattened once per set.
        var text = "vm1 : tiny;\n$a0 = {vm1};\n" +
            string.Join("\n", Enumerable.Range(0, 30).Select(k => $"$b{k} = $a{k} + {{}};\n$a{k + 1} = {{$a{k}, $b{k}}};")) + "\ngather($a30);";
        var compiled = Compile(text);
        Assert.True(compiled.Succeeded, string.Join("\n", compiled.Errors));
        Assert.Equal(["vm1"], compiled.Ve!.Constraints.Single().VmIds.ToArray());
    }
}
