using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Discovery.Security;

namespace Discovery.Tests.Support;

/// <summary>
/// The test run's own <c>DISCOVERY_HOME</c> (a fresh directory, inherited by the silos and CLI processes tests start), its
/// cluster key, and tokens signed with it.
/// </summary>
public static class TestSecurity
{
    /// <summary>The run's home, made before any test runs.</summary>
    public static string Home { get; private set; } = "";

    /// <summary>The run's cluster key.</summary>
    public static byte[] Key { get; private set; } = [];

    /// <summary>An operator's token, also in the home's token file (where the CLI and client find it).</summary>
    public static string Operator { get; private set; } = "";

    [ModuleInitializer]
    internal static void Initialize()
    {
        Home = Path.Combine(Path.GetTempPath(), $"discovery-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(Home);
        Environment.SetEnvironmentVariable(DiscoveryHome.Variable, Home);
        Environment.SetEnvironmentVariable(DiscoveryHome.TokenVariable, null);
        Key = ClusterKey.ReadOrCreate(DiscoveryHome.KeyFile);
        Operator = Token(Role.Operator);
        DiscoveryHome.WritePrivate(DiscoveryHome.TokenFile, Operator + "\n");
    }

    /// <summary>A token of <paramref name="role"/> (and <paramref name="tenant"/>), valid an hour.</summary>
    public static string Token(Role role, string? tenant = null, string? subject = null, TimeSpan? lifetime = null, DateTimeOffset? now = null) =>
        TokenIssuer.Issue(Key, subject ?? tenant ?? role.ToString().ToLowerInvariant(), role, tenant, lifetime ?? TimeSpan.FromHours(1), now ?? DateTimeOffset.UtcNow);

    /// <summary>Sends <paramref name="token"/> (the operator's by default) with every request of <paramref name="http"/>.</summary>
    public static HttpClient WithToken(this HttpClient http, string? token = null)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Operator);
        return http;
    }
}
