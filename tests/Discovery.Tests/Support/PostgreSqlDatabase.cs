using Npgsql;

namespace Discovery.Tests.Support;

/// <summary>
/// A fresh PostgreSQL database for one test, dropped afterwards. The server comes from
/// DISCOVERY_TEST_POSTGRES (an Npgsql connection string whose role may CREATE DATABASE);
/// .ci/run installs PostgreSQL, starts it and sets it.
/// </summary>
public sealed class PostgreSqlDatabase : IAsyncDisposable
{
    public const string Variable = "DISCOVERY_TEST_POSTGRES";
    private const string Fallback = "Host=127.0.0.1;Port=5432;Username=discovery;Password=discovery;Database=postgres;Timeout=5";
    private readonly string _admin;

    private PostgreSqlDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>
    /// Puts an in-process test cluster's membership and grain state (storage <c>discovery</c>) in this database, the
    /// product's way rather than the test cluster's in-memory membership: the schema applied, every silo and the
    /// client on the ADO.NET providers.
    /// </summary>
    public async Task UseForAsync(Orleans.TestingHost.InProcessTestClusterBuilder builder)
    {
        var settings = new Discovery.Silo.Configuration.DiscoveryOptions
        {
            Clustering = Discovery.Silo.Configuration.ClusteringKind.PostgreSql, Storage = Discovery.Silo.Configuration.StorageKind.PostgreSql,
            ConnectionString = ConnectionString,
        };
        await new Discovery.Silo.Hosting.PostgreSqlSchema(ConnectionString, Discovery.Silo.Hosting.PostgreSqlSchema.ScriptsFor(settings),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Discovery.Silo.Hosting.PostgreSqlSchema>.Instance).StartAsync(CancellationToken.None);
        // Orleans 10.4.2 documents this switch but ships it internal; without it the test cluster's in-memory membership wins.
        // The tests that use this helper check that the membership table in PostgreSQL lists their silos.
        (typeof(Orleans.TestingHost.InProcessTestClusterOptions).GetProperty("UseTestClusterMembership",
                System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("InProcessTestClusterOptions.UseTestClusterMembership is gone: this Orleans version needs another way"))
            .SetValue(builder.Options, false);
        var connection = ConnectionString;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connection; });
            Discovery.Silo.Hosting.OrleansSetup.AddStorage(silo, settings);
        });
        builder.ConfigureClient(client => client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connection; }));
    }

    /// <summary>Creates the database, or skips the test (fails it under CI=true) when no server answers.</summary>
    public static async Task<PostgreSqlDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(Variable) ?? Fallback;
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            var name = "discovery_test_" + Guid.NewGuid().ToString("N")[..12];
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
            return new PostgreSqlDatabase(admin, name);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            var how = $"no PostgreSQL server for the tests ({e.Message}). Install and start one (Debian: apt-get install -y postgresql; " +
                      $"pg_ctlcluster 15 main start), create a role that may CREATE DATABASE, and set {Variable}; .ci/run does all of this";
            if (Requires.InCi) throw new InvalidOperationException("CI=true and " + how, e);
            Skip.If(true, how);
            throw; // unreachable: Skip throws
        }
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
