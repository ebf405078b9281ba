using Microsoft.Extensions.DependencyInjection;
namespace Discovery.Security;

/// <summary>Installs Discovery's security into a silo.</summary>
public static class SecuritySetup
{
    /// <summary>
    /// Judges the calls this silo receives (<see cref="CallerFilter"/>) and marks the calls it makes (<see cref="InternalCallMark"/>);
    /// every silo of a cluster needs it with the same <see cref="SecurityOptions.ClusterKey"/>.
    /// </summary>
    public static ISiloBuilder AddDiscoverySecurity(this ISiloBuilder silo, SecurityOptions options)
    {
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton(sp => new TokenValidator(options));
        silo.Services.AddSingleton(sp => new TenantRateLimiter(options));
        silo.Services.AddSingleton<AuditTrail>();
        silo.AddIncomingGrainCallFilter<CallerFilter>();
        silo.AddOutgoingGrainCallFilter<InternalCallMark>();
        return silo;
    }
}
