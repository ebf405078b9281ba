using System.Net;
using Discovery.Client;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Silo;

/// <summary>Two silos form one cluster through a real PostgreSQL membership table; a client finds them through it.</summary>
public sealed class PostgreSqlClusteringTests
{
    [SkippableFact]
    public async Task Two_silos_join_through_postgresql_and_a_client_finds_them()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        string[] Args(int http, int gateway) =>
        [
            $"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            "--Discovery:Clustering=PostgreSql", $"--Discovery:ConnectionString={db.ConnectionString}",
            "--Discovery:ClusterId=pg-test", "--Discovery:Simulated:Nodes=4", "--Discovery:Scheduling:Enabled=false",
        ];
        var (http1, http2) = (FreePort(), FreePort());
        using var first = StartSilo(Args(http1, FreePort()));
        using var web1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http1}") }.WithToken();
        Assert.Equal(HttpStatusCode.OK, (await PollUntilUp(web1, "/healthz", first.Process)).StatusCode);
        using var second = StartSilo(Args(http2, FreePort()));
        using var web2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http2}") }.WithToken();
        Assert.Equal(HttpStatusCode.OK, (await PollUntilUp(web2, "/healthz", second.Process)).StatusCode);

        // Both silos are Active (3) in the membership table, under one version row.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'pg-test' AND Status = 3") < 2)
        {
            Assert.True(deadline.Elapsed < StartTimeout, "the two silos did not both become active in PostgreSQL:\n" + first.Stderr + second.Stderr);
            await Task.Delay(250);
        }
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipVersionTable"));
        Assert.True(await db.ScalarAsync("SELECT Version FROM OrleansMembershipVersionTable") >= 2);

        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            PostgreSqlConnectionString = db.ConnectionString,
            ClusterId = "pg-test",
        });
        Assert.NotNull(await client.GetNodeStatusAsync("node-0001"));

        first.Process.Kill(entireProcessTree: true);
        second.Process.Kill(entireProcessTree: true);
    }

    [Fact]
    public void The_schema_script_is_embedded_and_defines_every_query_the_provider_reads()
    {
        var script = Discovery.Silo.Hosting.PostgreSqlSchema.ReadScript(Discovery.Silo.Hosting.PostgreSqlSchema.ClusteringScript);
        foreach (var key in new[]
                 {
                     "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
                     "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
                     "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
                 })
            Assert.Contains($"('{key}'", script);
    }
}
