using System.CommandLine;
using Discovery.Environments;
using Discovery.Security;

namespace Discovery.Cli;

/// <summary><c>discovery token key</c> and <c>discovery token issue</c>: the cluster key and the bearer tokens of a self-contained cluster.</summary>
public static class TokenCommands
{
    public static Command Token()
    {
        var command = new Command("token", """
            Cluster keys and bearer tokens (JWT) for a cluster that issues its own (no OpenID Connect authority).
            The embedded default makes its key (~/.discovery/cluster.key) and an operator token (~/.discovery/token) at its first start;
            $DISCOVERY_HOME moves both.
            """);
        command.Subcommands.Add(Key());
        command.Subcommands.Add(Issue());
        return command;
    }

    private static Command Key()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the key (base64, readable by its owner only). Refuses to overwrite a key.", Required = true };
        var command = new Command("key", "Makes a new cluster key: give the same file to every silo (Discovery:Security:KeyFile).") { output };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            if (file.Exists)
            {
                Console.Error.WriteLine($"discovery: '{file.FullName}' exists: a new key would invalidate every token signed with it; remove it first if that is what you want");
                return ClusterConnection.Usage;
            }
            DiscoveryHome.WritePrivate(file.FullName, Convert.ToBase64String(ClusterKey.Create()) + "\n", overwrite: false);
            Console.Error.WriteLine($"cluster key written to {file.FullName} (mode 0600)");
            return 0;
        });
        return command;
    }

    private static Command Issue()
    {
        var role = new Option<string>("--role") { Description = "operator (everything), tenant (its own VEs), reader (reads everything).", Required = true };
        role.AcceptOnlyFromAmong("operator", "tenant", "reader");
        var tenant = new Option<string?>("--tenant") { Description = "The tenant of a tenant token (required with --role tenant, refused otherwise)." };
        var subject = new Option<string?>("--subject") { Description = "Who the token stands for, as audit lines name it (default: the tenant, else the role)." };
        var expires = new Option<string>("--expires") { Description = "Lifetime: 90s, 30m, 12h, 30d ...", DefaultValueFactory = _ => "30d" };
        var key = new Option<FileInfo?>("--key") { Description = "The cluster key file (default ~/.discovery/cluster.key, or under $DISCOVERY_HOME)." };
        var issuer = new Option<string>("--issuer") { Description = "The iss claim (Discovery:Security:Issuer).", DefaultValueFactory = _ => TokenIssuer.DefaultIssuer };
        var audience = new Option<string>("--audience") { Description = "The aud claim (Discovery:Security:Audience).", DefaultValueFactory = _ => TokenIssuer.DefaultAudience };
        var command = new Command("issue", """
            Prints a new bearer token signed with the cluster key, e.g.
              discovery token issue --role tenant --tenant alice --expires 7d > alice.token
              DISCOVERY_TOKEN=$(cat alice.token) discovery ve list
            """) { role, tenant, subject, expires, key, issuer, audience };
        command.SetAction(parse =>
        {
            var r = Enum.Parse<Role>(parse.GetValue(role)!, ignoreCase: true);
            var t = parse.GetValue(tenant);
            if (r == Role.Tenant && (t is null || !VeId.IsValidName(t)))
            {
                Console.Error.WriteLine($"discovery: --tenant: a tenant token needs a valid tenant name (lowercase letters, digits and '-'), got '{t}'");
                return ClusterConnection.Usage;
            }
            if (r != Role.Tenant && t is not null)
            {
                Console.Error.WriteLine($"discovery: --tenant: only a tenant token names a tenant ({r.Name()} tokens reach every tenant)");
                return ClusterConnection.Usage;
            }
            if (!Duration.TryParse(parse.GetValue(expires)!, out var lifetime, out var error) || lifetime <= TimeSpan.Zero)
            {
                Console.Error.WriteLine($"discovery: --expires: {error ?? "must be positive"}");
                return ClusterConnection.Usage;
            }
            var keyFile = parse.GetValue(key)?.FullName ?? DiscoveryHome.KeyFile;
            byte[] secret;
            try { secret = ClusterKey.Read(keyFile); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"discovery: --key: {e.Message}");
                return ClusterConnection.Usage;
            }
            Console.WriteLine(TokenIssuer.Issue(secret, parse.GetValue(subject) ?? t ?? TokenIssuer.RoleName(r), r, t, lifetime, DateTimeOffset.UtcNow,
                parse.GetValue(issuer)!, parse.GetValue(audience)!));
            return 0;
        });
        return command;
    }
}
