using Npgsql;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Applies the project's PostgreSQL schema (tables and the queries Orleans' ADO.NET clustering
/// provider reads from <c>OrleansQuery</c>) before the silo starts. The script is idempotent, so
/// every silo of a deployment may run it.
/// </summary>
internal sealed class PostgreSqlSchema(string connectionString, ILogger<PostgreSqlSchema> logger) : IHostedService
{
    public const string ClusteringScript = "postgresql-clustering.sql";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var script = ReadScript(ClusteringScript);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(script, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("PostgreSQL schema for clustering applied to {Database} on {Host}", connection.Database, connection.Host);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"Discovery:ConnectionString: cannot prepare the PostgreSQL schema: {e.Message}", e);
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
