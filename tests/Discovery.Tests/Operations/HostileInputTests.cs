using System.Net;
using System.Text;
using System.Text.Json;
using Discovery.Tests.Scheduling;

namespace Discovery.Tests.Operations;

/// <summary>
/// Hostile submissions to a running silo (8 simulated nodes of 8 cores and 32 GiB): each is answered 400 or 413 with the
/// field or the position, nothing is stored, and the silo still answers. Before the limits, the first of them ended the
/// process with a stack overflow.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class HostileInputTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private HttpClient Http => fixture.Silo.Http;

    /// <summary>The one place requests are built: POST <paramref name="content"/> as VE <c>hostile/{name}</c>.</summary>
    private Task<HttpResponseMessage> Submit(string name, HttpContent content) =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/ves/hostile/{name}") { Content = content });

    private static StringContent Text(string text) => new(text, Encoding.UTF8, "text/plain");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>
    /// Submits <paramref name="content"/> as <paramref name="name"/>: the problems of the answer (as <c>where[:line:column]: message</c>)
    /// once it is <paramref name="status"/>, after checking that nothing was stored and that the silo still answers.
    /// </summary>
    private async Task<string[]> Refused(string name, HttpContent content, HttpStatusCode status)
    {
        var response = await Submit(name, content);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/ves/hostile/{name}")).StatusCode);
        var list = await Http.GetAsync("/api/ves?tenant=hostile");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        return [.. body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("line").ValueKind == JsonValueKind.Number
            ? $"{p.GetProperty("where").GetString()}:{p.GetProperty("line").GetInt32()}:{p.GetProperty("column").GetInt32()}: {p.GetProperty("message").GetString()}"
            : $"{p.GetProperty("where").GetString()}: {p.GetProperty("message").GetString()}")];
    }

    private static string NestedBraces(int depth) => $"vm1 : tiny;\n$a = {new string('{', depth)}vm1{new string('}', depth)};\nspread($a);";

    [Fact]
    public async Task A_200_KB_text_of_nested_braces_is_413_as_text_and_in_json()
    {
        var text = NestedBraces(100_000);
        Assert.Equal(["body: a VE text may have at most 65,536 bytes (UTF-8)"], await Refused("braces", Text(text), HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(["text: a VE text may have at most 65,536 bytes (UTF-8)"],
            await Refused("braces", Json(JsonSerializer.Serialize(new { text })), HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Braces_nested_past_the_limit_within_the_size_are_400_at_the_33rd()
    {
        Assert.Equal(["braces:2:38: sets and parentheses nest more than 32 deep here: the limit of a VE text", "braces:3:8: undefined variable $a"],
            await Refused("braces", Text(NestedBraces(20_000)), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_long_chain_is_read_and_its_error_found_at_its_end()
    {
        // 10,000 terms, then a variable never defined: the chain is parsed and evaluated through, and the error is where it is.
        var text = "vm1 : tiny;\n$a = " + string.Concat(Enumerable.Repeat("vm1 + ", 10_000)) + "$nope;\nspread($a);";
        Assert.Equal(["chain:2:60006: undefined variable $nope", "chain:3:8: undefined variable $a"],
            await Refused("chain", Text(text), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Sets_of_sets_40_deep_are_400_at_the_33rd()
    {
        var text = "vm1 : tiny;\n$s1 = {vm1};\n" + string.Join("\n", Enumerable.Range(2, 39).Select(i => $"$s{i} = {{$s{i - 1}}};")) + "\nspread($s40);";
        var problems = await Refused("sets", Text(text), HttpStatusCode.BadRequest);
        Assert.Equal([
            "sets:34:8: sets of sets nest 33 deep here, more than the 32 a VE text may have",
            .. Enumerable.Range(34, 7).Select(k => $"sets:{k + 1}:9: undefined variable $s{k - 1}"),
            "sets:42:8: undefined variable $s40",
        ], problems);
    }

    [Fact]
    public async Task A_million_names_through_many_ranges_is_400_at_the_range_past_the_budget()
    {
        var text = "vm1 : tiny;\n" + string.Join("\n", Enumerable.Range(1, 11).Select(i => $"$r{i} = n[1..99999];")) + "\nban({vm1}, $r1);";
        Assert.Equal(["ranges:3:7: more than 100,000 names in total from ranges and sets here: the limit of a VE text"],
            await Refused("ranges", Text(text), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Vcpus_past_the_largest_node_are_400_naming_the_field_in_text_and_json()
    {
        Assert.Equal(["vcpus:1:9: vcpus: 42949673 is more than the 4,096 a VM may have"],
            await Refused("vcpus", Text("web1 : {vcpus: 42949673, memory: 1GiB};"), HttpStatusCode.BadRequest));
        // Within what a VM may have, past what the nodes have: the VE grain's validation, against the node directory.
        Assert.Equal(["vms[0].vcpus: 16 is more than the largest node's 8 cores"],
            await Refused("vcpus", Text("web1 : {vcpus: 16, memory: 1GiB};"), HttpStatusCode.BadRequest));
        Assert.Equal(["vms[0].vCpus: 42949673 is more than the largest node's 8 cores", "vms[1].memoryMiB: 40000 is more than the largest node's 32,768 MiB"],
            await Refused("vcpus", Json("""{"vms":[{"name":"a","vCpus":42949673,"memoryMiB":1024},{"name":"b","vCpus":1,"memoryMiB":40000}]}"""), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Json_past_its_limits_is_400_naming_what()
    {
        Assert.Equal(["vms: 1,001 VMs, more than the 1,000 a VE may have"],
            await Refused("many", Json($$"""{"vms":[{{string.Join(",", Enumerable.Range(0, 1_001).Select(i => $$"""{"name":"v{{i}}","vCpus":1,"memoryMiB":512}"""))}}]}"""),
                HttpStatusCode.BadRequest));
        var deep = $$"""{"vms":[{"name":"a","vCpus":1,"memoryMiB":512}],"constraints":[{"type":"latency","vms":["a"],"groups":{{new string('[', 10_000)}}""";
        // Brackets where a name is expected: refused at the first one past the type.
        Assert.Equal(["body:1:106: $.constraints[0].groups[0][0]: not a value of the expected type (see VeSubmission in /openapi/v1.json)"],
            await Refused("deep", Json(deep), HttpStatusCode.BadRequest));
        // Past the reader's buffer, the deserializer reads a value ahead before converting it: there the depth limit answers.
        var deeper = $$"""{"vms":[{"name":{{new string('[', 200_000)}}""";
        Assert.Equal(["body:1:22: $.vms[0].name: nested more than 8 levels deep, more than a VeSubmission has"],
            await Refused("deep", Json(deeper), HttpStatusCode.BadRequest));
    }
}
