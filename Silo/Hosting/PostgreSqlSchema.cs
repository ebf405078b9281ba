using Discovery.Silo.Configuration;
using Npgsql;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Applies the project's PostgreSQL schema before the silo starts: the tables and the queries Orleans'
/// ADO.NET clustering provider (<see cref="ClusteringScript"/>, when Clustering is PostgreSql) and grain
/// storage provider (<see cref="PersistenceScript"/>, when Storage is PostgreSql) read from
/// <c>OrleansQuery</c>. The scripts are idempotent, so every silo of a deployment may run them; silos
/// starting together take turns (a transaction-scoped advisory lock).
/// </summary>
internal sealed class PostgreSqlSchema(string connectionString, IReadOnlyList<string> scripts, ILogger<PostgreSqlSchema> logger) : IHostedService
{
    public const string ClusteringScript = "postgresql-clustering.sql";
    public const string PersistenceScript = "postgresql-persistence.sql";

    /// <summary>Any fixed number: the advisory lock silos of one database share while they apply the scripts.</summary>
    private const long SchemaLock = 0x44_69_73_63_6F_76_65_72; // "Discover"

    /// <summary>The scripts a silo with these settings needs (none when it uses no PostgreSQL).</summary>
    public static IReadOnlyList<string> ScriptsFor(DiscoveryOptions settings)
    {
        var scripts = new List<string>();
        if (settings.Clustering == ClusteringKind.PostgreSql) scripts.Add(ClusteringScript);
        if (settings.Storage == StorageKind.PostgreSql) scripts.Add(PersistenceScript);
        return scripts;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var texts = scripts.Select(ReadScript).ToList();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var wait = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock})", connection, transaction))
                await wait.ExecuteNonQueryAsync(cancellationToken);
            foreach (var text in texts)
            {
                await using var command = new NpgsqlCommand(text, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("PostgreSQL schema ({Scripts}) applied to {Database} on {Host}", string.Join(", ", scripts), connection.Database, connection.Host);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"Discovery:ConnectionString: cannot prepare the PostgreSQL schema ({string.Join(", ", scripts)}): {e.Message}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The embedded script, for operators who prefer to run it by hand (psql -f).</summary>
    public static string ReadScript(string name)
    {
        using var stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream($"Discovery.Silo.Sql.{name}")
            ?? throw new InvalidOperationException($"embedded SQL script {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
