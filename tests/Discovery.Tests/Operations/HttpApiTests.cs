using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;

namespace Discovery.Tests.Operations;

/// <summary>One in-process silo of 8 simulated nodes with no load injector, shared by the API tests of this class.</summary>
public sealed class ApiSiloFixture : IAsyncLifetime
{
    public InProcessSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() =>
        // A long grace: the health test's crashed nodes must not be marked down (and their VMs moved) in the second they last.
        Silo = await InProcessSilo.StartAsync("Simulated:Nodes=8", "Simulated:LoadInjector=false", "Simulated:Speedup=10", "Scheduling:NodeDownGraceSeconds=600");

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>Every endpoint of the JSON API with valid and invalid input, on a real silo over HTTP.</summary>
[Collection(DvmsCollection.Name)]
public sealed class HttpApiTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private HttpClient Http => fixture.Silo.Http;

    private static readonly string[] EightNodes = [.. Enumerable.Range(0, 8).Select(i => $"node-{i:D4}")];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The problems of a problem-details answer, as <c>where[:line:column]: message</c>.</summary>
    private static async Task<string[]> Problems(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Body(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body.TryGetProperty("problems", out var problems)
            ? [.. problems.EnumerateArray().Select(p => p.GetProperty("line").ValueKind == JsonValueKind.Number
                ? $"{p.GetProperty("where").GetString()}:{p.GetProperty("line").GetInt32()}:{p.GetProperty("column").GetInt32()}: {p.GetProperty("message").GetString()}"
                : $"{p.GetProperty("where").GetString()}: {p.GetProperty("message").GetString()}")]
            : [body.GetProperty("detail").GetString()!];
    }

    [Fact]
    public async Task Nodes_lists_every_node_and_shows_one_in_detail()
    {
        var nodes = (await Body(await Http.GetAsync("/api/nodes"))).EnumerateArray().ToList();
        Assert.Equal(EightNodes, nodes.Select(n => n.GetProperty("node").GetString()));
        // Other tests of this class move VMs around: the simulated hypervisor is the ground truth.
        var truth = (await fixture.Silo.Datacenter["node-0003"].ListVmsAsync()).Select(v => v.Id).Order(StringComparer.Ordinal).ToList();
        var listed = nodes[3];
        Assert.Equal(("site-00", truth.Count, false, false, false), (listed.GetProperty("site").GetString(), listed.GetProperty("vmCount").GetInt32(),
            listed.GetProperty("overloaded").GetBoolean(), listed.GetProperty("down").GetBoolean(), listed.GetProperty("unreachable").GetBoolean()));
        var detail = await Body(await Http.GetAsync("/api/nodes/node-0003"));
        Assert.Equal("node-0003", detail.GetProperty("node").GetString());
        Assert.Equal(800, detail.GetProperty("capacity").GetProperty("cpu").GetInt32());
        Assert.Equal(32768, detail.GetProperty("capacity").GetProperty("memoryMiB").GetInt32());
        Assert.Equal(truth, detail.GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("id").GetString()).Order(StringComparer.Ordinal));

        const string unknown = "node 'node-9999' is not a node of this cluster (GET /api/nodes lists them)";
        Assert.Equal([unknown], await Problems(await Http.GetAsync("/api/nodes/node-9999"), HttpStatusCode.NotFound));
        Assert.Equal([unknown], await Problems(await Http.PostAsync("/api/nodes/node-9999/drain", null), HttpStatusCode.NotFound));
        Assert.Equal([unknown], await Problems(await Http.PostAsync("/api/nodes/node-9999/undrain", null), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Drain_empties_the_node_and_undrain_ends_maintenance()
    {
        var drained = await Body(await Http.PostAsync("/api/nodes/node-0007/drain", null));
        Assert.True(drained.GetProperty("maintenance").GetBoolean());
        await InProcessSilo.WaitUntil(async () => (await Body(await Http.GetAsync("/api/nodes/node-0007"))).GetProperty("vms").GetArrayLength() == 0,
            "node-0007 to be drained");
        var undrained = await Body(await Http.PostAsync("/api/nodes/node-0007/undrain", null));
        Assert.False(undrained.GetProperty("maintenance").GetBoolean());
    }

    [Fact]
    public async Task A_json_VE_is_submitted_operated_and_deleted()
    {
        var created = await Http.PostAsync("/api/ves/acme/shop", Json("""
            {"vms": [{"name": "web1", "vCpus": 1, "memoryMiB": 512, "cpu": "50%"}, {"name": "web2", "vCpus": 1, "memoryMiB": 512, "image": "alpine"}],
             "constraints": [{"type": "spread", "vms": ["web1", "web2"]}, {"type": "ban", "vms": ["web1"], "nodes": ["node-0000"]}]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/ves/acme/shop", created.Headers.Location?.OriginalString);
        var ve = await Body(created);
        Assert.Equal("Running", ve.GetProperty("state").GetString());
        var vms = ve.GetProperty("vms").EnumerateArray().ToList();
        Assert.Equal(["web1", "web2"], vms.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(["debian-12", "alpine"], vms.Select(v => v.GetProperty("image").GetString()));
        // The expected CPU demand as given, all the vCPUs without it; each VM started at it (no load injector moves it).
        Assert.Equal(["50%", "100%"], vms.Select(v => v.GetProperty("cpu").GetString()));
        var demands = new Dictionary<string, int>();
        foreach (var h in fixture.Silo.Datacenter.Hypervisors)
            foreach (var vm in await h.ListVmsAsync())
                if (vm.Id.StartsWith("acme.shop.", StringComparison.Ordinal)) demands[vm.Id] = vm.CpuUsage;
        Assert.Equal(new Dictionary<string, int> { ["acme.shop.web1"] = 50, ["acme.shop.web2"] = 100 }, demands);
        var hosts = vms.Select(v => v.GetProperty("host").GetString()).ToList();
        Assert.NotEqual(hosts[0], hosts[1]);           // spread
        Assert.NotEqual("node-0000", hosts[0]);         // ban
        Assert.Equal("""[{"type":"spread","vms":["web1","web2"],"nodes":null,"groups":null},{"type":"ban","vms":["web1"],"nodes":["node-0000"],"groups":null}]""",
            ve.GetProperty("constraints").GetRawText());

        var again = await Problems(await Http.PostAsync("/api/ves/acme/shop", Json("""{"vms": [{"name": "a", "vCpus": 1, "memoryMiB": 512}]}""")), HttpStatusCode.Conflict);
        Assert.Equal(["VE acme/shop already exists (Running): delete it before submitting it again"], again);

        foreach (var (operation, state) in new[] { ("suspend", "Suspended"), ("resume", "Running"), ("stop", "Stopped"), ("start", "Running") })
        {
            var response = await Http.PostAsync($"/api/ves/acme/shop/{operation}", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(state, (await Body(response)).GetProperty("state").GetString());
        }
        Assert.Equal("Running", (await Body(await Http.GetAsync("/api/ves/acme/shop"))).GetProperty("state").GetString());
        await Http.PostAsync("/api/ves/acme/shop/stop", null);
        Assert.Equal(["Resume acme/shop: the VE is stopped: start it"],
            await Problems(await Http.PostAsync("/api/ves/acme/shop/resume", null), HttpStatusCode.Conflict));
        await Http.PostAsync("/api/ves/acme/shop/start", null);
        var list = await Body(await Http.GetAsync("/api/ves?tenant=acme"));
        Assert.Contains(list.EnumerateArray(), v => v.GetProperty("ve").GetString() == "acme/shop" && v.GetProperty("state").GetString() == "Running");

        var deleted = await Http.DeleteAsync("/api/ves/acme/shop");
        Assert.Equal("Deleted", (await Body(deleted)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_VE_text_is_submitted_as_text_or_inside_json()
    {
        const string text = "VM[1..2] : tiny;\nspread({VM1, VM2});\n";
        var plain = await Http.PostAsync("/api/ves/acme/plain", new StringContent(text, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        Assert.Equal(["VM1", "VM2"], (await Body(plain)).GetProperty("vms").EnumerateArray().Select(v => v.GetProperty("name").GetString()));

        var wrapped = await Http.PostAsJsonAsync("/api/ves/acme/wrapped", new { text, file = "shop.ve" });
        Assert.Equal(HttpStatusCode.Created, wrapped.StatusCode);
        Assert.Equal("Running", (await Body(wrapped)).GetProperty("state").GetString());
        await Http.DeleteAsync("/api/ves/acme/plain");
        await Http.DeleteAsync("/api/ves/acme/wrapped");
    }

    [Fact]
    public async Task Every_error_of_a_VE_text_is_listed_with_line_and_column_and_nothing_is_stored()
    {
        var response = await Http.PostAsync("/api/ves/acme/broken", new StringContent("VM[1..2] : tiny;\nspread($VM);\nban(VM1, nodex);\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(["broken:2:8: undefined variable $VM", "broken:3:10: ban: unknown node nodex"], await Problems(response, HttpStatusCode.BadRequest));
        Assert.Equal(["VE acme/broken does not exist: submit it first"], await Problems(await Http.GetAsync("/api/ves/acme/broken"), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Every_problem_of_a_json_VE_is_listed_by_field()
    {
        var shape = await Http.PostAsync("/api/ves/acme/bad", Json("""
            {"vms": [{"vCpus": 1, "memoryMiB": 512}],
             "constraints": [{"type": "nearby", "vms": ["a"]}, {"type": "ban", "vms": ["a"]}, {"type": "offline", "vms": ["a"], "nodes": ["node-0001"]}, {"vms": ["a"]}]}
            """));
        Assert.Equal([
            "vms[0].name: required",
            "constraints[0].type: 'nearby' is not one of ban, fence, gather, latency, lonely, offline, spread",
            "constraints[1].nodes: required by ban: the nodes it names",
            "constraints[2].vms: offline names no VM",
            "constraints[3].type: required: one of ban, fence, gather, latency, lonely, offline, spread",
        ], await Problems(shape, HttpStatusCode.BadRequest));

        // The spec's problems, found by the VE grain as for the client library, named after this API's fields.
        Assert.Equal(["vms[0].vCpus: must be positive, got 0", "vms[1].name: duplicate VM id 'a' (already used by vms[0])", "constraints[0].vms: unknown VM 'b' (not in this VE)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""
                {"vms": [{"name": "a", "vCpus": 0, "memoryMiB": 512}, {"name": "a", "vCpus": 1, "memoryMiB": 512}], "constraints": [{"type": "gather", "vms": ["b"]}]}
                """)), HttpStatusCode.BadRequest));
        // Shape and spec problems in one answer: the spec validator also looks at what did parse.
        Assert.Equal(["constraints[0].type: 'nearby' is not one of ban, fence, gather, latency, lonely, offline, spread",
                      "vms[0].vCpus: must be positive, got 0", "constraints[1].vms: unknown VM 'b' (not in this VE)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""
                {"vms": [{"name": "a", "vCpus": 0, "memoryMiB": 512}], "constraints": [{"type": "nearby", "vms": ["a"]}, {"type": "gather", "vms": ["b"]}]}
                """)), HttpStatusCode.BadRequest));
        Assert.Equal(["constraints[0].vms[1]: null: a name", "constraints[1].groups[0][0]: empty: a name"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""
                {"vms": [{"name": "a", "vCpus": 1, "memoryMiB": 512}], "constraints": [{"type": "spread", "vms": ["a", null]}, {"type": "latency", "vms": ["a"], "groups": [[""]]}]}
                """)), HttpStatusCode.BadRequest));
        Assert.Equal(["body:1:62: $.constraint: unknown field (see VeSubmission in /openapi/v1.json)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""{"vms":[{"name":"a","vCpus":1,"memoryMiB":512}],"constraint":[]}""")), HttpStatusCode.BadRequest));

        Assert.Equal(["body:1:21: $.vms[0].vCpus: not a value of the expected type (see VeSubmission in /openapi/v1.json)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""{"vms":[{"vCpus":"x"}]}""")), HttpStatusCode.BadRequest));
        // cpu: a percentage as a string, refused as the VE language refuses it; a number is not a string.
        Assert.Equal(["vms[1].cpu: must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '150%'"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""
                {"vms": [{"name": "a", "vCpus": 1, "memoryMiB": 512, "cpu": "50%"}, {"name": "b", "vCpus": 1, "memoryMiB": 512, "cpu": "150%"}]}
                """)), HttpStatusCode.BadRequest));
        Assert.Equal(["body:1:55: $.vms[0].cpu: not a value of the expected type (see VeSubmission in /openapi/v1.json)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""{"vms":[{"name":"a","vCpus":1,"memoryMiB":512,"cpu":50}]}""")), HttpStatusCode.BadRequest));
        Assert.Equal(["text: give either 'text' or 'vms' and 'constraints', not both"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", Json("""{"text":"VM1 : tiny;","vms":[]}""")), HttpStatusCode.BadRequest));
        Assert.Equal(["body: empty: the VE text in the VE language"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", new StringContent(" ", Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest));
        Assert.Equal(["Content-Type 'application/xml; charset=utf-8' is not accepted: send application/json (a VeSubmission) or text/plain (the VE text)"],
            await Problems(await Http.PostAsync("/api/ves/acme/bad", new StringContent("<ve/>", Encoding.UTF8, "application/xml")), HttpStatusCode.UnsupportedMediaType));
        Assert.Equal([
            "tenant: 'Acme' is not a valid name: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit",
            "name: 'sh_op' is not a valid name: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit",
        ], await Problems(await Http.PostAsync("/api/ves/Acme/sh_op", Json("""{"vms":[{"name":"a","vCpus":1,"memoryMiB":512}]}""")), HttpStatusCode.BadRequest));
        Assert.Equal(["tenant: 'A' is not a valid name: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit"],
            await Problems(await Http.GetAsync("/api/ves?tenant=A"), HttpStatusCode.BadRequest));
        Assert.Equal(["VE acme/bad does not exist: submit it first"], await Problems(await Http.PostAsync("/api/ves/acme/bad/start", null), HttpStatusCode.NotFound));
        Assert.Equal(["VE acme/bad does not exist: submit it first"], await Problems(await Http.DeleteAsync("/api/ves/acme/bad"), HttpStatusCode.NotFound));
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
                 { () => Http.GetAsync("/api/ves/acme/Bad"), () => Http.PostAsync("/api/ves/acme/Bad/stop", null), () => Http.DeleteAsync("/api/ves/acme/Bad") })
            Assert.Equal(["name: 'Bad' is not a valid name: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit"],
                await Problems(await request(), HttpStatusCode.BadRequest));
        // What the framework answers itself is problem details too.
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/nothing-here")).StatusCode);
        Assert.Equal("application/problem+json", (await Http.GetAsync("/api/nothing-here")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/problem+json", (await Http.PutAsync("/api/nodes", null)).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_stream_VE_transitions_as_server_sent_events()
    {
        using var stream = new HttpClient { BaseAddress = fixture.Silo.Address, Timeout = Timeout.InfiniteTimeSpan }.WithToken();
        using var response = await stream.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(SiloProcess.StartTimeout);
        Assert.Equal("event: subscribed", await reader.ReadLineAsync(timeout.Token));
        Assert.StartsWith("data: {\"at\":", await reader.ReadLineAsync(timeout.Token));
        await Http.PostAsync("/api/ves/acme/watched", Json("""{"vms":[{"name":"one","vCpus":1,"memoryMiB":512}]}"""));

        var seen = new List<(string Event, JsonElement Data)>();
        string? type = null;
        while (!seen.Any(e => e.Data.GetProperty("vm").ValueKind == JsonValueKind.Null && e.Data.GetProperty("to").GetString() == "Running"))
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) seen.Add((type!, JsonDocument.Parse(line["data: ".Length..]).RootElement));
        }
        Assert.All(seen, e => Assert.Equal("ve", e.Event));
        Assert.Equal(["none -> Pending", "one: Stopped -> Running", "Pending -> Running"],
            seen.Select(e => (e.Data.GetProperty("vm").GetString() is { } vm ? vm + ": " : "") + $"{e.Data.GetProperty("from").GetString()} -> {e.Data.GetProperty("to").GetString()}"));
        await Http.DeleteAsync("/api/ves/acme/watched");
    }

    [Fact]
    public async Task Healthz_reports_hypervisors_that_do_not_answer()
    {
        // From monitoring's readings (SiloHealthTests): a crash shows within a monitoring period, not at once.
        static string WithoutAge(JsonElement body) => System.Text.RegularExpressions.Regex.Replace(body.GetRawText(), @",""oldestReadingSeconds"":[0-9.]+", "");
        var healthy = await Body(await Http.GetAsync("/healthz"));
        Assert.Equal("""{"status":"healthy","member":true,"siloStatus":"Active","hypervisors":8,"answering":8,"notAnswering":[],"reasons":[]}""", WithoutAge(healthy));
        Assert.InRange(healthy.GetProperty("oldestReadingSeconds").GetDouble(), 0, 30); // the silo runs at 10x: 3 s of wall time

        var datacenter = fixture.Silo.Datacenter;
        datacenter.CrashNode("node-0002");
        try
        {
            HttpResponseMessage degraded = null!;
            await InProcessSilo.WaitUntil(async () => (await Body(degraded = await Http.GetAsync("/healthz"))).GetProperty("answering").GetInt32() == 7, "node-0002 read as not answering");
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("""{"status":"degraded","member":true,"siloStatus":"Active","hypervisors":8,"answering":7,"notAnswering":["node-0002"],"reasons":["1 of its 8 hypervisor(s) do not answer: node-0002"]}""",
                WithoutAge(await Body(degraded)));

            foreach (var node in EightNodes.Except(["node-0002"])) datacenter.CrashNode(node);
            HttpResponseMessage unhealthy = null!;
            await InProcessSilo.WaitUntil(async () => (unhealthy = await Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.ServiceUnavailable, "every node read as not answering");
            Assert.Equal("""["none of its 8 hypervisor(s) answers"]""", (await Body(unhealthy)).GetProperty("reasons").GetRawText());
        }
        finally
        {
            foreach (var node in EightNodes.Where(datacenter.IsDown)) datacenter.RecoverNode(node);
        }
        await InProcessSilo.WaitUntil(async () => (await Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK, "every node answering again");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint_and_only_them()
    {
        var document = await Body(await Http.GetAsync("/openapi/v1.json"));
        Assert.Equal("Discovery silo API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([
            "/api/events", "/api/images", "/api/images/{name}", "/api/nodes", "/api/nodes/{node}", "/api/nodes/{node}/drain", "/api/nodes/{node}/undrain", "/api/overview", "/api/partitions",
            "/api/ves", "/api/ves/{tenant}/{name}", "/api/ves/{tenant}/{name}/resume", "/api/ves/{tenant}/{name}/start", "/api/ves/{tenant}/{name}/stop",
            "/api/ves/{tenant}/{name}/suspend", "/healthz",
        ], paths);
        var submit = document.GetProperty("paths").GetProperty("/api/ves/{tenant}/{name}").GetProperty("post");
        Assert.Equal(["application/json", "text/plain"], submit.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.Equal(["201", "400", "409"], submit.GetProperty("responses").EnumerateObject().Select(r => r.Name));
    }
}
