using System.Collections.Concurrent;
using Discovery.Environments;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Discovery.Security;

/// <summary>
/// Turns a bearer token into a <see cref="Caller"/>, or refuses it saying why (expired, bad signature, wrong audience or
/// issuer, missing role or tenant). The same parameters serve the HTTP API (<see cref="Parameters"/>), so one token
/// means the same on both paths. Valid tokens are remembered until they expire: a call pays for a signature check once.
/// </summary>
public sealed class TokenValidator
{
    private const int Remembered = 10_000;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Expires)> _valid = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>A validator for <paramref name="options"/>.</summary>
    public TokenValidator(SecurityOptions options, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Parameters = ParametersFor(options);
    }

    /// <summary>What a token must satisfy: issuer, audience, lifetime, and the cluster key's signature or the authority's keys.</summary>
    public TokenValidationParameters Parameters { get; }

    /// <summary>The parameters of <paramref name="options"/>.</summary>
    public static TokenValidationParameters ParametersFor(SecurityOptions options)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Authority ?? options.Issuer,
            ValidAudience = options.Audience,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = TokenIssuer.RoleClaim,
        };
        if (options.Authority is { } authority)
        {
            var metadata = authority.TrimEnd('/') + "/.well-known/openid-configuration";
            parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase) });
        }
        else
        {
            parameters.IssuerSigningKey = new SymmetricSecurityKey(options.ClusterKey);
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256]; // no algorithm confusion: only what the cluster signs with
        }
        return parameters;
    }

    /// <summary>The caller <paramref name="token"/> stands for; <see cref="AccessDeniedException"/> (Unauthenticated) saying why not.</summary>
    public async ValueTask<Caller> ValidateAsync(string token)
    {
        var now = _time.GetUtcNow();
        if (_valid.TryGetValue(token, out var known) && known.Expires > now) return known.Caller;
        if (!_handler.CanReadToken(token)) throw new AccessDeniedException("the token was refused: it is not a JWT", AccessRefusal.Unauthenticated);
        var result = await _handler.ValidateTokenAsync(token, Parameters);
        if (!result.IsValid) throw new AccessDeniedException($"the token was refused: {Reason(result.Exception)}", AccessRefusal.Unauthenticated);
        var caller = CallerOf(result.Claims);
        var expires = result.SecurityToken.ValidTo == DateTime.MinValue ? now : new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero);
        if (_valid.Count >= Remembered) _valid.Clear();
        _valid[token] = (caller, expires);
        return caller;
    }

    /// <summary>The caller named by validated <paramref name="claims"/>.</summary>
    public static Caller CallerOf(IDictionary<string, object> claims)
    {
        string? Text(string name) => claims.TryGetValue(name, out var v) ? v switch { string s => s, IEnumerable<object> many => many.FirstOrDefault()?.ToString(), _ => v?.ToString() } : null;
        var subject = Text(JwtRegisteredClaimNames.Sub);
        if (string.IsNullOrWhiteSpace(subject)) throw new AccessDeniedException("the token was refused: it has no subject ('sub')", AccessRefusal.Unauthenticated);
        var roleName = Text(TokenIssuer.RoleClaim);
        if (roleName is null || !Enum.TryParse<Role>(roleName, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(roleName, out _))
            throw new AccessDeniedException($"the token was refused: its role '{roleName}' is none of operator, tenant, reader", AccessRefusal.Unauthenticated);
        var tenant = Text(TokenIssuer.TenantClaim);
        if (role == Role.Tenant && (tenant is null || !VeId.IsValidName(tenant)))
            throw new AccessDeniedException($"the token was refused: a tenant token needs a valid 'tenant' claim, not '{tenant}'", AccessRefusal.Unauthenticated);
        return new Caller(subject, role, role == Role.Tenant ? tenant : null);
    }

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "it has expired: ask for a new one (`discovery token issue`)",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "its signature does not match this cluster's key",
        SecurityTokenInvalidAudienceException => "it is for another audience",
        SecurityTokenInvalidIssuerException => "it is from another issuer",
        SecurityTokenMalformedException or ArgumentException => "it is not a JWT",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm this cluster does not accept",
        null => "unknown reason",
        _ when e.Message.StartsWith("IDX141", StringComparison.Ordinal) => "it is not a JWT", // the decoder's own errors (IDX14100-14199)
        _ => e.Message.Split(". ", 2)[0],
    };
}
