using System.Net;
using System.Text;
using System.Text.Json;
using Discovery.Silo.Operations;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;

namespace Discovery.Tests.Operations;

/// <summary>The HTTP surface's limits on a real silo: the request body limit (413 as problem details), security headers on every
/// response, the allowed hosts, and the cap on event-stream watchers (503 for the one past it).</summary>
[Collection(DvmsCollection.Name)]
public sealed class WebHardeningTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_body_past_the_limit_gets_413_problem_details_and_nothing_is_stored()
    {
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=2", "Simulated:LoadInjector=false", "MaxRequestBodyBytes=4096");
        var padding = new string(' ', 4096);
        var response = await silo.Http.PostAsync("/api/ves/acme/big", Json($$"""{"vms":[{"name":"one","vCpus":1,"memoryMiB":512}]}{{padding}}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((413, "The request body is too large: nothing was stored", "the body is larger than this silo reads (4,096 bytes, Discovery:MaxRequestBodyBytes)"),
            (body.GetProperty("status").GetInt32(), body.GetProperty("title").GetString(), body.GetProperty("detail").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/ves/acme/big")).StatusCode);

        // Just under the limit it is read, and the silo answers as before.
        var fits = await silo.Http.PostAsync("/api/ves/acme/small", Json("""{"vms":[{"name":"one","vCpus":1,"memoryMiB":512}]}""" + new string(' ', 4000)));
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Theory]
    [InlineData("/healthz", WebHardening.DefaultPolicy)]
    [InlineData("/api/nodes", WebHardening.DefaultPolicy)]
    [InlineData("/api/nothing-here", WebHardening.DefaultPolicy)]
    [InlineData("/", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")]
    [InlineData("/app.js", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")]
    [InlineData("/dashboard", WebHardening.DashboardPolicy)]
    [InlineData("/dashboard/index.min.js", WebHardening.DashboardPolicy)]
    public async Task Every_response_carries_the_security_headers(string path, string policy)
    {
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=2", "Simulated:LoadInjector=false");
        var response = await silo.Http.GetAsync(path);

        Assert.Equal(("nosniff", "DENY", "no-referrer", policy), (
            string.Join(",", response.Headers.GetValues("X-Content-Type-Options")), string.Join(",", response.Headers.GetValues("X-Frame-Options")),
            string.Join(",", response.Headers.GetValues("Referrer-Policy")), string.Join(",", response.Headers.GetValues("Content-Security-Policy"))));
    }

    [Fact]
    public async Task A_host_name_not_allowed_gets_400()
    {
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=2", "Simulated:LoadInjector=false");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nodes") { Headers = { Host = "attacker.example" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await silo.Http.SendAsync(request)).StatusCode);
        using var local = new HttpRequestMessage(HttpMethod.Get, "/api/nodes") { Headers = { Host = "localhost" } };
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.SendAsync(local)).StatusCode);
    }

    [Fact]
    public async Task The_event_stream_past_the_watcher_cap_gets_503()
    {
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=2", "Simulated:LoadInjector=false", "Events:MaxWatchers=1");
        using var first = new HttpClient { BaseAddress = silo.Address, Timeout = Timeout.InfiniteTimeSpan }.WithToken();
        using var stream = await first.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);

        var refused = await silo.Http.GetAsync("/api/events");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("the cluster's event hub already has 1 watchers, as many as it allows: stop another watch or try again later", body.GetProperty("detail").GetString());
    }
}
