using Discovery.Security;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Security;

/// <summary>The pure rules: who may do what, tokens, rates, quotas.</summary>
public sealed class SecurityRulesTests
{
    private static readonly Caller Ops = new("ops", Role.Operator, null);
    private static readonly Caller Reader = new("auditor", Role.Reader, null);
    private static readonly Caller Alice = new("alice", Role.Tenant, "alice");

    [Theory]
    // operator: everything, faults where allowed
    [InlineData("ops", Access.ReadVe, "bob", AccessDecision.Allow)]
    [InlineData("ops", Access.SubmitVe, "bob", AccessDecision.Allow)]
    [InlineData("ops", Access.OperateCluster, null, AccessDecision.Allow)]
    [InlineData("ops", Access.InjectFaults, null, AccessDecision.Allow)]
    // reader: reads everything, changes nothing
    [InlineData("reader", Access.ReadVe, "bob", AccessDecision.Allow)]
    [InlineData("reader", Access.ReadCluster, null, AccessDecision.Allow)]
    [InlineData("reader", Access.ListVes, null, AccessDecision.Allow)]
    [InlineData("reader", Access.Watch, null, AccessDecision.Allow)]
    [InlineData("reader", Access.SubmitVe, "bob", AccessDecision.Forbidden)]
    [InlineData("reader", Access.OperateVe, "bob", AccessDecision.Forbidden)]
    [InlineData("reader", Access.OperateCluster, null, AccessDecision.Forbidden)]
    [InlineData("reader", Access.InjectFaults, null, AccessDecision.Forbidden)]
    // tenant: its own VEs; another's do not exist; the cluster is not its business
    [InlineData("alice", Access.ReadVe, "alice", AccessDecision.Allow)]
    [InlineData("alice", Access.OperateVe, "alice", AccessDecision.Allow)]
    [InlineData("alice", Access.SubmitVe, "alice", AccessDecision.Allow)]
    [InlineData("alice", Access.ReadVe, "bob", AccessDecision.NotFound)]
    [InlineData("alice", Access.OperateVe, "bob", AccessDecision.NotFound)]
    [InlineData("alice", Access.SubmitVe, "bob", AccessDecision.Forbidden)]
    [InlineData("alice", Access.ListVes, null, AccessDecision.Allow)]
    [InlineData("alice", Access.Watch, null, AccessDecision.Allow)]
    [InlineData("alice", Access.ReadCluster, null, AccessDecision.Forbidden)]
    [InlineData("alice", Access.OperateCluster, null, AccessDecision.Forbidden)]
    [InlineData("alice", Access.InjectFaults, null, AccessDecision.Forbidden)]
    public void Each_role_may_do_what_its_table_says(string who, Access access, string? veTenant, AccessDecision expected)
    {
        var caller = who switch { "ops" => Ops, "reader" => Reader, _ => Alice };
        Assert.Equal(expected, AccessRules.Decide(caller, access, veTenant, faultsAllowed: true));
    }

    [Fact]
    public void Faults_are_refused_even_to_operators_where_the_cluster_does_not_allow_them() =>
        Assert.Equal(AccessDecision.Forbidden, AccessRules.Decide(Ops, Access.InjectFaults, null, faultsAllowed: false));

    private static readonly byte[] Key = ClusterKey.Create();
    private static SecurityOptions Options() => new() { ClusterKey = Key };

    [Fact]
    public async Task A_valid_token_names_its_caller_and_a_bad_one_says_why()
    {
        var now = DateTimeOffset.UtcNow;
        var validator = new TokenValidator(Options());
        Assert.Equal(Alice, await validator.ValidateAsync(TokenIssuer.Issue(Key, "alice", Role.Tenant, "alice", TimeSpan.FromHours(1), now)));
        Assert.Equal(new Caller("auditor", Role.Reader, null), await validator.ValidateAsync(TokenIssuer.Issue(Key, "auditor", Role.Reader, null, TimeSpan.FromHours(1), now)));

        async Task<string> Refusal(string token) => (await Assert.ThrowsAsync<AccessDeniedException>(() => validator.ValidateAsync(token).AsTask())).Message;
        Assert.Equal("the token was refused: it has expired: ask for a new one (`discovery token issue`)",
            await Refusal(TokenIssuer.Issue(Key, "alice", Role.Tenant, "alice", TimeSpan.FromHours(1), now.AddHours(-2))));
        Assert.Equal("the token was refused: its signature does not match this cluster's key",
            await Refusal(TokenIssuer.Issue(ClusterKey.Create(), "alice", Role.Operator, null, TimeSpan.FromHours(1), now)));
        Assert.Equal("the token was refused: it is for another audience",
            await Refusal(TokenIssuer.Issue(Key, "alice", Role.Operator, null, TimeSpan.FromHours(1), now, audience: "elsewhere")));
        Assert.Equal("the token was refused: it is from another issuer",
            await Refusal(TokenIssuer.Issue(Key, "alice", Role.Operator, null, TimeSpan.FromHours(1), now, issuer: "elsewhere")));
        Assert.Equal("the token was refused: it is not a JWT", await Refusal("not.a.token"));
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode($$"""{"sub":"mallory","role":"operator","iss":"discovery","aud":"discovery","exp":{{exp}}}""");
        var e = await Assert.ThrowsAsync<AccessDeniedException>(() => new TokenValidator(Options()).ValidateAsync($"{header}.{payload}.").AsTask());
        Assert.Equal(AccessRefusal.Unauthenticated, e.Kind);
    }

    [Fact]
    public void A_tenant_token_names_a_valid_tenant_and_others_name_none()
    {
        Assert.Throws<ArgumentException>(() => TokenIssuer.Issue(Key, "x", Role.Tenant, null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        Assert.Throws<ArgumentException>(() => TokenIssuer.Issue(Key, "x", Role.Tenant, "Not Valid", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        Assert.Throws<ArgumentException>(() => TokenIssuer.Issue(Key, "x", Role.Operator, "alice", TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_tenant_makes_its_burst_of_calls_then_waits_for_the_rate_and_other_tenants_do_not_wait()
    {
        var time = new FakeTimeProvider();
        var limiter = new TenantRateLimiter(new SecurityOptions { ClusterKey = Key, RateBurst = 3, RatePermits = 1, RateWindow = TimeSpan.FromSeconds(10) }, time);
        Assert.Equal([null, null, null, 10], Enumerable.Range(0, 4).Select(_ => limiter.TryAcquire("alice")).ToArray());
        Assert.Null(limiter.TryAcquire("bob"));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(6, limiter.TryAcquire("alice"));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(limiter.TryAcquire("alice"));
        Assert.Equal(10, limiter.TryAcquire("alice"));
    }

    [Fact]
    public void A_ve_past_a_quota_is_refused_naming_the_quota_and_the_figures()
    {
        var quota = new Quota(Ves: 3, Vms: 10, VCpus: 16, MemoryMiB: 8192);
        var held = new TenantUsage(2, 8, 12, 4096);
        Assert.Null(QuotaCheck.Refusal("alice", quota, held, new TenantUsage(1, 2, 4, 4096)));
        Assert.Equal("quota exceeded: tenant 'alice' may hold 3 VEs (Discovery:Security:Quotas); it holds 3 and this VE needs 1",
            QuotaCheck.Refusal("alice", quota, held with { Ves = 3 }, new TenantUsage(1, 1, 1, 1)));
        Assert.Equal("quota exceeded: tenant 'alice' may hold 10 VMs (Discovery:Security:Quotas); it holds 8 and this VE needs 3",
            QuotaCheck.Refusal("alice", quota, held, new TenantUsage(1, 3, 1, 1)));
        Assert.Equal("quota exceeded: tenant 'alice' may hold 16 vCPUs (Discovery:Security:Quotas); it holds 12 and this VE needs 5",
            QuotaCheck.Refusal("alice", quota, held, new TenantUsage(1, 1, 5, 1)));
        Assert.Equal("quota exceeded: tenant 'alice' may hold 8192 MiB of memory (Discovery:Security:Quotas); it holds 4096 and this VE needs 4097",
            QuotaCheck.Refusal("alice", quota, held, new TenantUsage(1, 1, 1, 4097)));
        Assert.Null(QuotaCheck.Refusal("alice", Quota.Unlimited, new TenantUsage(1000, 1000, 1000, 1000), new TenantUsage(1, 1, int.MaxValue, long.MaxValue / 2)));
    }

    [Fact]
    public void Offline_and_lonely_are_refused_to_tenants_naming_the_constraint()
    {
        var vm = new Discovery.Model.VmSpec("web1", 1, 512, "debian-12");
        var spread = new Discovery.Model.VeSpec("alice/x", [vm], [new Discovery.Constraints.Spread(["web1"])]);
        Assert.Null(TenantConstraints.Refusal(spread));
        var offline = spread with { Constraints = [new Discovery.Constraints.Spread(["web1"]), new Discovery.Constraints.Offline(["node-0001"])] };
        Assert.Equal("constraints[1] (offline) restricts other tenants' VMs: only an operator may submit it", TenantConstraints.Refusal(offline));
        Assert.Equal("constraints[0] (lonely) restricts other tenants' VMs: only an operator may submit it",
            TenantConstraints.Refusal(spread with { Constraints = [new Discovery.Constraints.Lonely(["web1"])] }));
    }

    [Fact]
    public void The_internal_mark_is_the_keys_own_and_not_guessable_from_another_key()
    {
        Assert.Equal(ClusterKey.InternalMark(Key), ClusterKey.InternalMark((byte[])Key.Clone()));
        Assert.NotEqual(ClusterKey.InternalMark(Key), ClusterKey.InternalMark(ClusterKey.Create()));
    }
}
