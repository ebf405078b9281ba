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
