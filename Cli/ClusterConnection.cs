using System.CommandLine;
using Discovery.Client;

namespace Discovery.Cli;

/// <summary>
/// How cluster commands connect (<c>--gateway</c>, <c>--postgres</c>, or <c>DISCOVERY_CLUSTER</c>: a gateway port or a
/// PostgreSQL connection string; <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c> or <c>DISCOVERY_TLS_*</c> for a cluster with TLS) and how their failures end: one line on stderr and an exit code that says which.
/// </summary>
public static class ClusterConnection
{
    /// <summary>Exit codes of cluster commands.</summary>
    public const int Invalid = 1, Usage = 2, Unavailable = 3, NotFound = 4, Conflict = 5, NotSupported = 6;

    /// <summary>Exit code of a call the cluster refused: no token or a bad one, a role or tenant that does not allow it, a quota, a rate.</summary>
    public const int Denied = 9;

    /// <summary>Exit codes of <c>ve submit --wait</c>: still Pending when the time ran out; ended neither Running nor Pending (stopped, failed, deleted).</summary>
    public const int StillPending = 7, NotRunning = 8;

    /// <summary>The environment variable read when neither option is given.</summary>
    public const string Variable = "DISCOVERY_CLUSTER";

    public static Option<int?> Gateway() => new("--gateway") { Description = $"Gateway port of a localhost silo (default 30000, or ${Variable})." };

    public static Option<string?> Postgres() => new("--postgres") { Description = $"Connection string of the cluster's PostgreSQL membership table (or ${Variable})." };

    public static Option<string?> Token() => new("--token")
    {
        Description = $"Bearer token (JWT) of the caller (or ${Discovery.Security.DiscoveryHome.TokenVariable}, else the operator token the embedded default wrote to ~/.discovery/token).",
    };

    /// <summary>Environment variables read when the <c>--tls-*</c> options are not given.</summary>
    public const string TlsCertVariable = "DISCOVERY_TLS_CERT", TlsKeyVariable = "DISCOVERY_TLS_KEY", TlsCaVariable = "DISCOVERY_TLS_CA";

    /// <summary>The options of a cluster command: where the cluster is, the caller's token, and this client's TLS certificate.</summary>
    public sealed record Connection(Option<int?> Gateway, Option<string?> Postgres, Option<string?> Token, Option<string?> TlsCert, Option<string?> TlsKey, Option<string?> TlsCa);

    /// <summary>Adds the connection options to <paramref name="command"/>.</summary>
    public static Connection AddTo(Command command)
    {
        var connection = new Connection(Gateway(), Postgres(), Token(),
            new Option<string?>("--tls-cert") { Description = $"This client's certificate (PEM, from 'discovery certs issue') for a cluster with TLS (or ${TlsCertVariable})." },
            new Option<string?>("--tls-key") { Description = $"Its private key (PEM) (or ${TlsKeyVariable})." },
            new Option<string?>("--tls-ca") { Description = $"The cluster's CA certificate (ca.pem): a silo it did not sign is refused (or ${TlsCaVariable})." });
        foreach (var option in new Option[] { connection.Gateway, connection.Postgres, connection.Token, connection.TlsCert, connection.TlsKey, connection.TlsCa })
            command.Options.Add(option);
        return connection;
    }

    /// <summary>The client options: the options given, else <c>DISCOVERY_CLUSTER</c>, else localhost:30000.</summary>
    public static DiscoveryClientOptions Options(int? gateway, string? postgres)
    {
        if (gateway is { } port) return new DiscoveryClientOptions { GatewayPort = port };
        if (postgres is not null) return new DiscoveryClientOptions { PostgreSqlConnectionString = postgres };
        var variable = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(variable)) return new DiscoveryClientOptions();
        return int.TryParse(variable, out var p) ? new DiscoveryClientOptions { GatewayPort = p } : new DiscoveryClientOptions { PostgreSqlConnectionString = variable };
    }

    /// <summary>The client options of <paramref name="parse"/>, with the TLS files from the options, else the <c>DISCOVERY_TLS_*</c> variables.</summary>
    public static DiscoveryClientOptions Options(ParseResult parse, Connection connection) =>
        Options(parse.GetValue(connection.Gateway), parse.GetValue(connection.Postgres)) with
        {
            Token = parse.GetValue(connection.Token),
            TlsCertificateFile = parse.GetValue(connection.TlsCert) ?? FromEnvironment(TlsCertVariable),
            TlsKeyFile = parse.GetValue(connection.TlsKey) ?? FromEnvironment(TlsKeyVariable),
            TlsCaFile = parse.GetValue(connection.TlsCa) ?? FromEnvironment(TlsCaVariable),
        };

    private static string? FromEnvironment(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>Connects, runs <paramref name="action"/>, and turns every client failure into its line and exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Connection connection, Func<DiscoveryClient, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            await using var client = await DiscoveryClient.ConnectAsync(Options(parse, connection), cancellationToken);
            return await action(client);
        }
        catch (DiscoveryInvalidInputException e)
        {
            foreach (var p in e.Problems) Console.Error.WriteLine(p);
            return Invalid;
        }
        catch (DiscoveryException e)
        {
            Console.Error.WriteLine($"discovery: {e.Message}");
            return e switch
            {
                DiscoveryUnavailableException => Unavailable,
                DiscoveryNotFoundException => NotFound,
                DiscoveryConflictException => Conflict,
                DiscoveryNotSupportedException => NotSupported,
                DiscoveryAccessDeniedException => Denied,
                _ => Invalid,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }
}
