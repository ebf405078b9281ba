using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Microsoft.Extensions.DependencyInjection;
using Discovery.Security;
using Discovery.Tests.Support;

namespace Discovery.Tests.Security;

/// <summary>A silo as the embedded default runs it: tokens required, one cluster key (the test run's).</summary>
public sealed class SecuredSiloFixture : IAsyncLifetime
{
    public InProcessSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await InProcessSilo.StartAsync("Simulated:Nodes=4", "Simulated:VmsPerNode=0", "Simulated:LoadInjector=false");

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>
/// One identity on both paths (HTTP and the client library), tenants kept apart, clients kept to the public surface, and
/// every change audited.
/// </summary>
public sealed class SecuredSiloTests(SecuredSiloFixture fixture) : IClassFixture<SecuredSiloFixture>
{
    private InProcessSilo Silo => fixture.Silo;

    private static readonly string Alice = TestSecurity.Token(Role.Tenant, "alice");
    private static readonly string Bob = TestSecurity.Token(Role.Tenant, "bob");
    private static readonly string Ann = TestSecurity.Token(Role.Tenant, "ann");
    private static readonly string Reader = TestSecurity.Token(Role.Reader, subject: "auditor");

    private HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = Silo.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Text(string text) => new(text, Encoding.UTF8, "text/plain");

    private Task<DiscoveryClient> Client(string? token) =>
        DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { GatewayPort = Silo.GatewayPort, Token = token ?? "" });

    private static async Task<string> Detail(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

    [Theory]
    [InlineData("none")]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("audience")]
    [InlineData("garbage")]
    public async Task A_missing_or_bad_token_is_refused_over_http_and_over_the_client_library(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        string? token = kind switch
        {
            "none" => null,
            "expired" => TestSecurity.Token(Role.Operator, now: now.AddHours(-2), lifetime: TimeSpan.FromHours(1)),
            "forged" => TokenIssuer.Issue(ClusterKey.Create(), "mallory", Role.Operator, null, TimeSpan.FromHours(1), now),
            "audience" => TokenIssuer.Issue(TestSecurity.Key, "mallory", Role.Operator, null, TimeSpan.FromHours(1), now, audience: "another-cluster"),
            _ => "not.a.token",
        };
        var why = kind switch
        {
            "none" => "no token",
            "expired" => "the token was refused: it has expired",
            "forged" => "the token was refused: its signature does not match this cluster's key",
            "audience" => "the token was refused: it is for another audience",
            _ => "the token was refused: it is not a JWT",
        };
        using var http = Http(token);
        foreach (var path in new[] { "/api/ves", "/api/nodes", "/api/overview", "/metrics" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var submit = await http.PostAsync("/api/ves/alice/web", Text("web1: {vcpus: 1, memory: 512MiB};")))
            Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);

        await using var client = await Client(token);
        var e = await Assert.ThrowsAsync<DiscoveryAccessDeniedException>(() => client.ListVesAsync());
        Assert.Equal(AccessRefusal.Unauthenticated, e.Refusal);
        Assert.StartsWith(why, e.Message);
        await Assert.ThrowsAsync<DiscoveryAccessDeniedException>(() => client.SubmitAsync("alice/web", "web1: {vcpus: 1, memory: 512MiB};"));
        using var operatorHttp = Http(TestSecurity.Operator);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorHttp.GetAsync("/api/ves/alice/web")).StatusCode); // nothing stored
    }

    [Fact]
    public async Task A_tenant_sees_and_acts_on_its_own_ves_only_and_gets_not_found_for_the_others()
    {
        using var bob = Http(Bob);
        using (var submitted = await bob.PostAsync("/api/ves/bob/shop", Text("web1: {vcpus: 1, memory: 512MiB};")))
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var before = await (await bob.GetAsync("/api/ves/bob/shop")).Content.ReadAsStringAsync();

        using var ann = Http(Ann);
        using (var own = await ann.PostAsync("/api/ves/ann/blog", Text("web1: {vcpus: 1, memory: 512MiB};")))
            Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        using (var get = await ann.GetAsync("/api/ves/bob/shop"))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("VE bob/shop does not exist: submit it first", await Detail(get));
        }
        foreach (var operation in new[] { "stop", "start", "suspend", "resume" })
        {
            using var response = await ann.PostAsync($"/api/ves/bob/shop/{operation}", null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using (var delete = await ann.DeleteAsync("/api/ves/bob/shop"))
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using (var overwrite = await ann.PostAsync("/api/ves/bob/other", Text("web1: {vcpus: 1, memory: 512MiB};")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, overwrite.StatusCode);
            Assert.Equal("ann (tenant ann) may submit VEs under 'ann/' only, not 'bob/'", await Detail(overwrite));
        }
        var listed = JsonDocument.Parse(await (await ann.GetAsync("/api/ves")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["ann/blog"], listed.EnumerateArray().Select(v => v.GetProperty("ve").GetString()!).ToArray());
        var asked = JsonDocument.Parse(await (await ann.GetAsync("/api/ves?tenant=bob")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, asked.GetArrayLength());
        // Cluster-wide endpoints are for operators and readers.
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.GetAsync("/api/nodes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.PostAsync("/api/nodes/node-0001/drain", null)).StatusCode);

        // Bob's VE is as it was: running, same VMs, same transitions.
        Assert.Equal(before, await (await bob.GetAsync("/api/ves/bob/shop")).Content.ReadAsStringAsync());

        // The same through the client library.
        await using var client = await Client(Ann);
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.GetVeAsync("bob/shop"));
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.StopAsync("bob/shop"));
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.DeleteAsync("bob/shop"));
        Assert.Equal(["ann/blog"], (await client.ListVesAsync()).Select(v => v.Ve).ToArray());
        Assert.Equal(VeState.Running, (await client.GetVeAsync("ann/blog")).State);
    }

    [Fact]
    public async Task A_tenant_watches_its_own_ves_transitions_only_and_operators_see_the_audit()
    {
        using var stop = new CancellationTokenSource(SiloProcess.StartTimeout);
        // Alice over HTTP (server-sent events), the operator through the client library.
        using var alice = Http(Alice);
        alice.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await alice.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        Assert.Equal("event: subscribed", await reader.ReadLineAsync(stop.Token));

        await using var ops = await Client(TestSecurity.Operator);
        var opsSeen = new List<object>();
        var opsSubscribed = new TaskCompletionSource();
        var opsWatch = Task.Run(async () =>
        {
            await foreach (var item in ops.WatchAllAsync(announceSubscription: true, stop.Token))
            {
                if (item is WatchSubscribed) { opsSubscribed.TrySetResult(); continue; }
                lock (opsSeen) opsSeen.Add(item);
                if (opsSeen.OfType<AuditEntry>().Count(a => a.Target is "bob/watched" or "alice/watched") == 2
                    && opsSeen.OfType<VeTransition>().Any(t => t is { Ve: "alice/watched", Vm: null, To: "Running" })) return;
            }
        });
        await opsSubscribed.Task.WaitAsync(stop.Token);

        await using var bob = await Client(Bob);
        Assert.Equal(VeState.Running, (await bob.SubmitAsync("bob/watched", "web1: {vcpus: 1, memory: 512MiB};")).State);
        using (var submitted = await alice.PostAsync("/api/ves/alice/watched", Text("web1: {vcpus: 1, memory: 512MiB};"), stop.Token))
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        var aliceSeen = new List<(string Event, JsonElement Data)>();
        string? type = "subscribed"; // its event line was read above
        while (!aliceSeen.Any(e => e.Event == "ve" && e.Data.GetProperty("ve").GetString() == "alice/watched" && e.Data.GetProperty("vm").ValueKind == JsonValueKind.Null
                                   && e.Data.GetProperty("to").GetString() == "Running"))
        {
            var line = await reader.ReadLineAsync(stop.Token) ?? throw new InvalidOperationException("the stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type != "subscribed") aliceSeen.Add((type!, JsonDocument.Parse(line["data: ".Length..]).RootElement));
        }
        try { await opsWatch.WaitAsync(stop.Token); }
        catch (TaskCanceledException) { Assert.Fail("the operator saw: " + string.Join(" | ", opsSeen)); }

        Assert.All(aliceSeen, e => Assert.Equal(("ve", "alice/watched"), (e.Event, e.Data.GetProperty("ve").GetString())));
        // Audit lines are published without waiting (AuditTrail): two calls' lines may reach the hub in either order.
        var audits = opsSeen.OfType<AuditEntry>().Where(a => a.Target is "bob/watched" or "alice/watched").OrderBy(a => a.Target, StringComparer.Ordinal).ToList();
        Assert.Equal([("alice", Role.Tenant, "alice", "IVeGrain.SubmitTextAsync", "alice/watched", "ok"), ("bob", Role.Tenant, "bob", "IVeGrain.SubmitTextAsync", "bob/watched", "ok")],
            audits.Select(a => (a.Subject, a.Role, a.Tenant!, a.Action, a.Target, a.Outcome)).ToList());
        Assert.Contains(opsSeen, item => item is VeTransition { Ve: "bob/watched" });
        stop.Cancel();
    }

    [Fact]
    public async Task A_reader_reads_everything_and_changes_nothing()
    {
        using var reader = Http(Reader);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/nodes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/overview")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/metrics")).StatusCode);
        using (var submit = await reader.PostAsync("/api/ves/carol/x", Text("web1: {vcpus: 1, memory: 512MiB};")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
            Assert.Equal("auditor (reader) may only read: this call changes the cluster", await Detail(submit));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/nodes/node-0001/drain", null)).StatusCode);
        await using var client = await Client(Reader);
        var e = await Assert.ThrowsAsync<DiscoveryAccessDeniedException>(() => client.DrainAsync("node-0001"));
        Assert.Equal(AccessRefusal.Forbidden, e.Refusal);
        Assert.False((await client.GetNodeStatusAsync("node-0001")).Maintenance);
    }

    [Fact]
    public async Task Constraints_that_restrict_other_tenants_are_for_operators_only()
    {
        using var alice = Http(Alice);
        using (var offline = await alice.PostAsync("/api/ves/alice/greedy", Text("web1: {vcpus: 1, memory: 512MiB};\noffline({node-0001, node-0002});")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, offline.StatusCode);
            Assert.Equal("constraints[0] (offline) restricts other tenants' VMs: only an operator may submit it", await Detail(offline));
        }
        using (var lonely = await alice.PostAsync("/api/ves/alice/greedy", Text("web1: {vcpus: 1, memory: 512MiB};\nlonely({web1});")))
            Assert.Equal(HttpStatusCode.Forbidden, lonely.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/api/ves/alice/greedy")).StatusCode); // nothing stored
        using var ops = Http(TestSecurity.Operator);
        using (var allowed = await ops.PostAsync("/api/ves/alice/greedy", Text("web1: {vcpus: 1, memory: 512MiB};\nlonely({web1});")))
            Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task A_host_file_as_a_disk_is_refused_at_submit_and_nothing_is_stored()
    {
        using var alice = Http(Alice);
        using var response = await alice.PostAsync("/api/ves/alice/disk", Text("web1: {vcpus: 1, memory: 512MiB, image: \"/etc/shadow\"};"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("1 problem(s): vms[0].image: '/etc/shadow' is a path; name one of: alpine, debian-12, postgres-16, ubuntu-24.04", await Detail(response));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/api/ves/alice/disk")).StatusCode);
    }

    [Fact]
    public async Task A_client_calling_an_internal_grain_directly_is_refused_whatever_its_token()
    {
        await using var client = await Client(TestSecurity.Operator);
        var grains = client.Cluster;
        var node = "node-0001";
        RequestContext.Set(CallerContext.TokenKey, TestSecurity.Operator); // direct grain calls carry the operator's token
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("INodeDirectoryGrain.Announce", () => grains.NodeDirectory().AnnounceAsync([new NodeAnnouncement("evil", "local", new Resources(64, 1 << 20))])),
            ("IVmHost.Launch", () => grains.GetGrain<IVmHost>(node).LaunchAsync(new VmSpec("evil", 1, 512, "debian"))),
            ("IVmHost.RemoveVm", () => grains.GetGrain<IVmHost>(node).RemoveVmAsync("bob.shop.web1")),
            ("ISchedulingControlGrain.Pause", () => grains.SchedulingControl().PauseAsync()),
            ("IEventHubGrain.Recent", () => grains.EventHub().RecentAsync(10)),
            ("IConstraintDirectoryGrain.Set", () => grains.ConstraintDirectory().SetAsync("evil", [])),
            ("ITenantGrain.Claim", () => grains.GetGrain<ITenantGrain>("alice").ClaimAsync("alice/x", TenantUsage.None)),
        };
        foreach (var (name, call) in calls)
        {
            var e = await Assert.ThrowsAsync<AccessDeniedException>(call);
            Assert.Equal(AccessRefusal.Forbidden, e.Kind);
            Assert.Contains("is internal to the cluster", e.Message);
        }
        // One-way calls return nothing to refuse: their effect must not happen.
        grains.NodeDirectory().MarkDownAsync(node).Ignore();
        await Assert.ThrowsAsync<AccessDeniedException>(() => grains.NodeDirectory().AnnounceAsync([]));
        Assert.DoesNotContain(node, await grains.NodeDirectory().DownAsync());
        Assert.DoesNotContain("evil", await grains.NodeDirectory().NodesAsync());
        RequestContext.Remove(CallerContext.TokenKey); // the silo's own reading, as the silo's code: marked internal
        Assert.False(await Silo.Services.GetRequiredService<IGrainFactory>().SchedulingControl().IsPausedAsync());
    }
}
