using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Discovery.Language;
using Discovery.Model;
using Xunit.Abstractions;

namespace Discovery.Tests.Language;

/// <summary>
/// Hostile VE texts, as a tenant could send them: valid samples mutated token by token (deleted, inserted, duplicated),
/// nested in braces and parentheses, chained, ranged and nested through variables far past every limit. The compiler
/// answers each with a VE or with errors, never an exception, a stack overflow (which would end the test process) or a hang.
/// </summary>
public sealed partial class HostileTextPropertyTests(ITestOutputHelper output)
{
    internal static readonly HashSet<string> Nodes = [.. Enumerable.Range(1, 11).Select(i => $"WN{i}"), "SN1", "n1", "n2"];

    internal static readonly string[] Samples =
    [
        VeCompilerTests.Seed,
        "web[1..3] : small;\ndb1 : {vcpus: 4, memory: 8GiB, cpu: 50%, image: \"pg\"};\n$T = web[1..3] + {db1} - {web2};\nspread($T);\nban({db1}, {n1});\n",
        "vm[1..20] : tiny;\n$R1 = {WN1, WN2};\n$R2 = WN[3..5];\n$G = {$R1, $R2};\nlatency($ALL_VMS, $G);\nfence(vm[1..5], $R1 + $R2 - {WN3});\ngather(vm[6..7]);\nlonely({vm8});\n",
        "a1 : large;\na2 : medium;\n$x = ((({a1} + {a2})));\n$V1 = {a1};\n$V2 = {a2, a1};\n$y = $V[1..2];\noffline({n2});\nspread($x);\n",
    ];

    // Tokens as a mutation inserts them: every kind of token, and names that mean something in the samples.
    private static readonly string[] Pool =
    [
        "{", "}", "(", ")", "[", "]", ",", ";", ":", "+", "-", "=", "..", "$x", "$T", "$ALL_VMS", "$R1", "vm1", "web1", "db1", "WN1", "n1",
        "0", "1", "3", "99999", "2147483647", "99999999999", "8GiB", "4TiB", "50%", "150%", "12.5%", "\"img\"", "\"", "/*", "//", "\n",
        "spread", "ban", "fence", "latency", "gather", "lonely", "offline", "tiny", "large", "vcpus", "memory", "cpu", "image", "é", "\0",
    ];

    private const string Characters = "{}()[],;:+-=.%$\"/* \nab1";

    [GeneratedRegex(@"\s+|(?<=[{}()\[\],;:+=-])|(?=[{}()\[\],;:+=-])")]
    private static partial Regex TokenBoundary();

    /// <summary>A text from <paramref name="seed"/>: a sample with one to four mutations; one in a hundred past a limit by far.</summary>
    internal static string Mutated(int seed)
    {
        var random = new Random(seed);
        var tokens = TokenBoundary().Split(Samples[random.Next(Samples.Length)]).Where(t => t.Length > 0).ToList();
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            var at = random.Next(tokens.Count + 1);
            var big = random.Next(100) == 0;
            switch (random.Next(9))
            {
                case 0 when tokens.Count > 0: tokens.RemoveAt(Math.Min(at, tokens.Count - 1)); break;
                case 1: tokens.Insert(at, Pool[random.Next(Pool.Length)]); break;
                case 2 when at < tokens.Count:
                {
                    var length = random.Next(1, Math.Min(30, tokens.Count - at) + 1);
                    tokens.InsertRange(at, tokens.GetRange(at, length));
                    break;
                }
                case 3: // nested braces or parentheses, around what follows or around nothing
                {
                    var depth = big ? random.Next(33, 50_000) : random.Next(1, 40);
                    var (open, close) = random.Next(2) == 0 ? ("{", "}") : ("(", ")");
                    tokens.Insert(Math.Min(at + 1, tokens.Count), string.Concat(Enumerable.Repeat(close, random.Next(depth + 1))));
                    tokens.Insert(at, string.Concat(Enumerable.Repeat(open, depth)));
                    break;
                }
                case 4: // a long chain
                {
                    var terms = big ? random.Next(1_000, 30_000) : random.Next(1, 300);
                    var term = random.Next(3) switch { 0 => "vm1", 1 => "{web1, n1}", _ => "$T" };
                    tokens.Insert(at, string.Concat(Enumerable.Range(0, terms).Select(i => (i % 3 == 0 ? " - " : " + ") + term)));
                    break;
                }
                case 5: // huge ranges, one or many
                {
                    var to = big ? random.Next(99_000, 3_000_000) : random.Next(0, 2_000);
                    var count = big ? random.Next(2, 40) : 1;
                    tokens.Insert(at, string.Concat(Enumerable.Range(0, count).Select(i => $"$h{i} = n[{random.Next(3)}..{to}];\n")));
                    break;
                }
                case 6: // sets of sets through variables
                {
                    var depth = big ? random.Next(33, 2_000) : random.Next(1, 40);
                    tokens.Insert(at, "$s0 = {vm1};\n" + string.Concat(Enumerable.Range(1, depth).Select(i => $"$s{i} = {{$s{i - 1}, $s{i - 1} + {{}}}};\n")) + $"spread($s{depth});\n");
                    break;
                }
                case 7: // many VMs, or a VM past every node
                    tokens.Insert(at, random.Next(2) == 0 ? $"big[1..{random.Next(900, big ? 200_000 : 1_200)}] : tiny;\n" : $"huge : {{vcpus: {random.Next()}, memory: {random.Next()}TiB}};\n");
                    break;
                default: // a random run of characters
                    tokens.Insert(at, new string([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => Characters[random.Next(Characters.Length)])]));
                    break;
            }
        }
        return string.Join(" ", tokens);
    }

    /// <summary>Compiles <paramref name="text"/> with and without nodes: a VE or errors with positions, nothing thrown.</summary>
    internal static void CompilesToAVeOrErrors(string text)
    {
        foreach (var nodes in new[] { Nodes, null })
        {
            var result = VeCompiler.Compile(text, "hostile.ve", "hostile", nodes);
            if (result.Succeeded == !result.Errors.IsEmpty || result.Errors.Any(e => e.At.Line < 1 || e.At.Column < 1))
                throw new InvalidOperationException($"neither a VE nor errors, or an error without a position: {result.Errors.FirstOrDefault()}");
            if (result.Ve is { } ve && (ve.Vms.Length > LanguageLimits.Default.MaxVms || ve.Vms.Any(v => v.VCpus > LanguageLimits.Default.MaxVCpus)))
                throw new InvalidOperationException($"a VE past the limits compiled: {ve.Vms.Length} VMs");
        }
    }

    [Fact]
    public async Task No_mutated_text_makes_the_compiler_throw_overflow_or_hang()
    {
        var clock = Stopwatch.StartNew();
        // A generous bound: only a hang (or a quadratic blow-up) comes near it; the time taken is reported, not asserted.
        await Task.Run(() => Gen.Int.Sample(seed =>
        {
            var text = Mutated(seed);
            try
            {
                CompilesToAVeOrErrors(text);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}: {e.Message}\n{(text.Length > 2_000 ? text[..2_000] + "..." : text)}", e);
            }
        }, iter: 100_000)).WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"100,000 mutated texts compiled twice each in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
