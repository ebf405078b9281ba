using System.Security.Claims;
using Discovery.Environments;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Discovery.Security;

/// <summary>Issues the bearer tokens (JWT, HS256 with the cluster key) of a self-contained cluster: <c>discovery token issue</c>.</summary>
public static class TokenIssuer
{
    /// <summary>The <c>iss</c> of self-issued tokens unless configured otherwise.</summary>
    public const string DefaultIssuer = "discovery";

    /// <summary>The <c>aud</c> of tokens unless configured otherwise.</summary>
    public const string DefaultAudience = "discovery";

    /// <summary>The claim naming the role (<c>operator</c>, <c>tenant</c>, <c>reader</c>).</summary>
    public const string RoleClaim = "role";

    /// <summary>The claim naming the tenant of a <c>tenant</c> token.</summary>
    public const string TenantClaim = "tenant";

    /// <summary>A token for <paramref name="subject"/> in <paramref name="role"/> (and <paramref name="tenant"/> for a tenant), valid from <paramref name="now"/> for <paramref name="lifetime"/>.</summary>
    public static string Issue(byte[] key, string subject, Role role, string? tenant, TimeSpan lifetime, DateTimeOffset now,
        string issuer = DefaultIssuer, string audience = DefaultAudience)
    {
        if (role == Role.Tenant && (tenant is null || !VeId.IsValidName(tenant)))
            throw new ArgumentException($"a tenant token names its tenant: '{tenant}' is not a valid tenant name", nameof(tenant));
        if (role != Role.Tenant && tenant is not null)
            throw new ArgumentException($"only a tenant token names a tenant ({role.Name()} tokens reach every tenant)", nameof(tenant));
        var claims = new Dictionary<string, object> { [RoleClaim] = RoleName(role) };
        if (tenant is not null) claims[TenantClaim] = tenant;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            Claims = claims,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The claim value of <paramref name="role"/>.</summary>
    public static string RoleName(Role role) => role.Name();
}
