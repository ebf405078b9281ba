using Discovery.Security;
using Discovery.Silo.Configuration;

namespace Discovery.Silo.Hosting;

/// <summary>
/// The silo's <see cref="SecurityOptions"/> from its settings: reads the cluster key, or makes it (and an operator token the
/// CLI and client find) at the first start of a localhost cluster, so the embedded default stays a one-command start.
/// </summary>
internal static class SecurityBootstrap
{
    /// <summary>The options, or null with the problem (a key file that does not read).</summary>
    public static SecurityOptions? Prepare(DiscoveryOptions settings, out string? problem, out string? operatorTokenFile)
    {
        problem = null;
        operatorTokenFile = null;
        var security = settings.Security;
        byte[] key;
        try
        {
            key = security.KeyFile is { } file ? ClusterKey.Read(file) : ClusterKey.ReadOrCreate(DiscoveryHome.KeyFile);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            problem = $"{DiscoveryOptions.Section}:Security:KeyFile: {e.Message}";
            return null;
        }
        var options = security.ToOptions(key, settings.Hypervisor == HypervisorKind.Simulated);
        // A silo that keeps its own key (the embedded default) hands its operator a token; others issue theirs with `discovery token issue`.
        if (options.RequireTokens && options.Authority is null && security.KeyFile is null)
        {
            operatorTokenFile = security.OperatorTokenFile ?? DiscoveryHome.TokenFile;
            EnsureOperatorToken(options, operatorTokenFile);
        }
        return options;
    }

    /// <summary>Leaves a token that still validates for a year's half; writes a new one (valid a year) otherwise.</summary>
    private static void EnsureOperatorToken(SecurityOptions options, string file)
    {
        var now = DateTimeOffset.UtcNow;
        if (File.Exists(file) && StillGood(File.ReadAllText(file).Trim(), options, now)) return;
        DiscoveryHome.WritePrivate(file, TokenIssuer.Issue(options.ClusterKey, Environment.UserName is { Length: > 0 } user ? user : "operator",
            Role.Operator, null, TimeSpan.FromDays(365), now, options.Issuer, options.Audience) + "\n");
    }

    /// <summary>Signed with this key (checked here, synchronously: the host is being built), an operator's, and good for half a year more.</summary>
    private static bool StillGood(string token, SecurityOptions options, DateTimeOffset now)
    {
        try
        {
            var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
            var signature = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(
                System.Security.Cryptography.HMACSHA256.HashData(options.ClusterKey, System.Text.Encoding.ASCII.GetBytes(jwt.EncodedHeader + "." + jwt.EncodedPayload)));
            return jwt.Alg == "HS256" && signature == jwt.EncodedSignature && jwt.Issuer == options.Issuer && jwt.Audiences.Contains(options.Audience)
                && jwt.ValidTo > now.UtcDateTime.AddDays(182)
                && jwt.TryGetPayloadValue<string>(TokenIssuer.RoleClaim, out var role) && role == TokenIssuer.RoleName(Role.Operator);
        }
        catch (ArgumentException)
        {
            return false; // not a JWT: replaced
        }
    }
}
