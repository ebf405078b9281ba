using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsCheck;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Silo.Operations;
using Discovery.Tests.Language;
using Xunit.Abstractions;

namespace Discovery.Tests.Operations;

/// <summary>
/// Hostile JSON submissions through what the API does with a body before the VE grain: the same deserializer options
/// (depth limit included), <see cref="VeSubmissions.Parse"/>, the VE text compiler for <c>text</c>, and the spec
/// validation the VE grain applies. Each answer is a submission or problems, never an exception other than
/// <see cref="JsonException"/> (a 400) or a hang.
/// </summary>
public sealed class HostileJsonPropertyTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, Resources> Capacities = new()
    {
        ["n1"] = Resources.OfCores(8, 32768),
        ["n2"] = Resources.OfCores(64, 262144),
    };

    private static readonly string[] Samples =
    [
        """{"vms":[{"name":"web1","vCpus":2,"memoryMiB":2048,"cpu":"50%"},{"name":"db1","vCpus":4,"memoryMiB":8192,"image":"pg"}],"constraints":[{"type":"spread","vms":["web1","db1"]},{"type":"ban","vms":["db1"],"nodes":["n1"]},{"type":"latency","vms":["web1"],"groups":[["n1"],["n2"]]}]}""",
        """{"text":"web[1..3] : small;\nspread(web[1..3]);","file":"shop.ve"}""",
        """{"vms":[{"name":"a","vCpus":1,"memoryMiB":512}],"constraints":[{"type":"offline","nodes":["n2"]},{"type":"gather","vms":["a"]}]}""",
    ];

    private static readonly string[] Pool =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "42949673", "2147483647", "99999999999", "1e400", "\"x\"",
        "\"vms\"", "\"vCpus\"", "\"memoryMiB\"", "\"constraints\"", "\"groups\"", "\"text\"", "\"type\"", "\"spread\"", "\\u0000", "é",
    ];

    /// <summary>A body from <paramref name="seed"/>: a sample with one to four mutations; one in a hundred past a limit by far.</summary>
    private static string Mutated(int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder(Samples[random.Next(Samples.Length)]);
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            var at = random.Next(json.Length + 1);
            var big = random.Next(100) == 0;
            switch (random.Next(7))
            {
                case 0 when json.Length > 0: json.Remove(Math.Min(at, json.Length - 1), Math.Min(random.Next(1, 10), json.Length - Math.Min(at, json.Length - 1))); break;
                case 1: json.Insert(at, Pool[random.Next(Pool.Length)]); break;
                case 2 when at < json.Length: json.Insert(at, json.ToString(at, random.Next(1, Math.Min(40, json.Length - at) + 1))); break;
                case 3: // nested arrays or objects
                {
                    var depth = big ? random.Next(9, 50_000) : random.Next(1, 12);
                    var nested = random.Next(2) == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                    json.Insert(at, nested);
                    break;
                }
                case 4: // a whole body past a limit: many VMs, huge sizes, many names, a deep groups list
                {
                    var vms = big ? random.Next(900, 1_200) : random.Next(1, 20);
                    var vcpus = random.Next(3) switch { 0 => 42_949_673, 1 => random.Next(-2, 100), _ => random.Next() };
                    var names = big ? random.Next(1_000, 120_000) : random.Next(1, 50);
                    json.Clear().Append($$"""{"vms":[{{string.Join(",", Enumerable.Range(0, vms).Select(i => $$"""{"name":"v{{i}}","vCpus":{{vcpus}},"memoryMiB":{{random.Next(-1, int.MaxValue)}}}"""))}}],""")
                        .Append($$"""
                            "constraints":[{"type":"ban","vms":["v0"],"nodes":[{{string.Join(",", Enumerable.Range(0, names).Select(i => $"\"n{i}\""))}}]},{"type":"latency","vms":["v0"],"groups":[[["n1"]]]}]}
                            """);
                    break;
                }
                case 5: // a text past the language's limits
                    json.Clear().Append(JsonSerializer.Serialize(new { text = HostileTextPropertyTests.Mutated(random.Next()) }));
                    break;
                default:
                    json.Insert(at, (char)random.Next(0, 128));
                    break;
            }
        }
        return json.ToString();
    }

    /// <summary>What the API does with <paramref name="json"/> before the VE grain stores anything; only <see cref="JsonException"/> may escape.</summary>
    private static void Submit(string json)
    {
        VeSubmission? submission;
        try
        {
            submission = JsonSerializer.Deserialize<VeSubmission>(json, OperationsSetup.Json);
        }
        catch (JsonException)
        {
            return; // 400 with the position
        }
        if (submission is null) return;
        if (submission.Text is { } text)
        {
            HostileTextPropertyTests.CompilesToAVeOrErrors(text);
            return;
        }
        var parsed = VeSubmissions.Parse("t/hostile", submission);
        var problems = VeRecord.Validate("t/hostile", parsed.Spec, Capacities);
        foreach (var p in problems) _ = VeSubmissions.ApiField(parsed.Renumber(p.Field));
        if (parsed.Problems.Count == 0 && problems.Count == 0 && parsed.Spec.Vms.Any(v => v.VCpus > 64 || v.MemoryMiB > 262144))
            throw new InvalidOperationException("a VM larger than every node passed validation");
    }

    [Fact]
    public async Task No_mutated_json_body_makes_the_api_s_parsing_throw_or_hang()
    {
        var clock = Stopwatch.StartNew();
        await Task.Run(() => Gen.Int.Sample(seed =>
        {
            var json = Mutated(seed);
            try
            {
                Submit(json);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}: {e.GetType().Name}: {e.Message}\n{(json.Length > 2_000 ? json[..2_000] + "..." : json)}", e);
            }
        }, iter: 100_000)).WaitAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"100,000 mutated JSON bodies parsed in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
