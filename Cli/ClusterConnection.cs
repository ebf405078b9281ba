using System.CommandLine;
using Discovery.Client;

namespace Discovery.Cli;

/// <summary>
/// How cluster commands connect (<c>--gateway</c>, <c>--postgres</c>, or <c>DISCOVERY_CLUSTER</c>: a gateway port or a
/// PostgreSQL connection string) and how their failures end: one line on stderr and an exit code that says which.
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

    /// <summary>The options of a cluster command.</summary>
    public sealed record Options(Option<int?> Gateway, Option<string?> Postgres, Option<string?> Token);

    /// <summary>Adds the connection options to <paramref name="command"/>.</summary>
    public static Options AddTo(Command command)
    {
        var options = new Options(Gateway(), Postgres(), Token());
        command.Options.Add(options.Gateway);
        command.Options.Add(options.Postgres);
        command.Options.Add(options.Token);
        return options;
    }

    /// <summary>The client options: the options given, else <c>DISCOVERY_CLUSTER</c>, else localhost:30000; the token given, else the client's default.</summary>
    public static DiscoveryClientOptions ClientOptions(int? gateway, string? postgres, string? token = null) => Where(gateway, postgres) with { Token = token };

    private static DiscoveryClientOptions Where(int? gateway, string? postgres)
    {
        if (gateway is { } port) return new DiscoveryClientOptions { GatewayPort = port };
        if (postgres is not null) return new DiscoveryClientOptions { PostgreSqlConnectionString = postgres };
        var variable = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(variable)) return new DiscoveryClientOptions();
        return int.TryParse(variable, out var p) ? new DiscoveryClientOptions { GatewayPort = p } : new DiscoveryClientOptions { PostgreSqlConnectionString = variable };
    }

    /// <summary>Connects, runs <paramref name="action"/>, and turns every client failure into its line and exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Options connection, Func<DiscoveryClient, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            await using var client = await DiscoveryClient.ConnectAsync(
                ClientOptions(parse.GetValue(connection.Gateway), parse.GetValue(connection.Postgres), parse.GetValue(connection.Token)), cancellationToken);
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
