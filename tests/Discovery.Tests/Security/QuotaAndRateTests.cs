using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Discovery.Security;
using Discovery.Tests.Support;

namespace Discovery.Tests.Security;

/// <summary>A silo with a VM quota per tenant and a small rate: one call a day after a burst of six.</summary>
public sealed class LimitedSiloFixture : IAsyncLifetime
{
    public InProcessSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await InProcessSilo.StartAsync("Simulated:Nodes=4", "Simulated:VmsPerNode=0", "Simulated:LoadInjector=false",
        "Security:Quotas:Default:Vms=3", "Security:Quotas:Tenants:big:Vms=100", "Security:RateBurst=6", "Security:RatePermits=1", "Security:RateWindowSeconds=86400");

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

public sealed class QuotaAndRateTests(LimitedSiloFixture fixture) : IClassFixture<LimitedSiloFixture>
{
    private HttpClient Http(string tenant)
    {
        var http = new HttpClient { BaseAddress = fixture.Silo.Address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestSecurity.Token(Role.Tenant, tenant));
        return http;
    }

    private static StringContent Vms(int count) =>
        new(string.Concat(Enumerable.Range(1, count).Select(i => $"web{i}: {{vcpus: 1, memory: 256MiB}};\n")), Encoding.UTF8, "text/plain");

    [Fact]
    public async Task The_ve_past_the_quota_is_refused_naming_it_and_a_deleted_ve_frees_its_share()
    {
        using var quota = Http("quota");
        Assert.Equal(HttpStatusCode.Created, (await quota.PostAsync("/api/ves/quota/a", Vms(2))).StatusCode);
        using (var past = await quota.PostAsync("/api/ves/quota/b", Vms(2)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, past.StatusCode);
            var problem = JsonDocument.Parse(await past.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Quota exceeded", problem.GetProperty("title").GetString());
            Assert.Equal("quota exceeded: tenant 'quota' may hold 3 VMs (Discovery:Security:Quotas); it holds 2 and this VE needs 2", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await quota.GetAsync("/api/ves/quota/b")).StatusCode); // nothing stored
        Assert.Equal(HttpStatusCode.OK, (await quota.DeleteAsync("/api/ves/quota/a")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await quota.PostAsync("/api/ves/quota/b", Vms(3))).StatusCode);
    }

    [Fact]
    public async Task A_tenants_own_quota_overrides_the_default() 
    {
        using var big = Http("big");
        Assert.Equal(HttpStatusCode.Created, (await big.PostAsync("/api/ves/big/a", Vms(5))).StatusCode);
    }

    [Fact]
    public async Task A_burst_past_the_rate_gets_429_with_retry_after_and_other_tenants_go_on()
    {
        using var rate = Http("rate");
        for (var i = 0; i < 6; i++) Assert.Equal(HttpStatusCode.OK, (await rate.GetAsync("/api/ves")).StatusCode);
        using var refused = await rate.GetAsync("/api/ves");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // One call a day: the wait is a day less the few seconds since the burst (the silo's clock is the wall clock).
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 86_400 - 120, 86_400);
        Assert.StartsWith("tenant 'rate' is past its rate of 1 calls per 86400 s (burst 6): try again in ",
            JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        using var other = Http("other");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/ves")).StatusCode);
    }
}
