namespace Discovery.Security;

/// <summary>
/// The request-context keys of Discovery's security: the bearer token a client sends, the caller a silo validated from
/// it, and the cluster's internal-call mark (which a client never sees and cannot forge).
/// </summary>
public static class CallerContext
{
    /// <summary>The raw bearer token (JWT) of a call from a client.</summary>
    public const string TokenKey = "discovery.token";

    /// <summary>The <see cref="Caller"/> a silo validated for the call chain.</summary>
    public const string CallerKey = "discovery.caller";

    /// <summary>Set by silos on the calls their own grains and services make.</summary>
    public const string InternalKey = "discovery.internal";

    /// <summary>
    /// Who started the current call chain, as validated by the silo that received it; null for the cluster's own work
    /// (timers, monitoring) or when the cluster runs without tokens.
    /// </summary>
    public static Caller? Current => RequestContext.Get(CallerKey) as Caller;
}
