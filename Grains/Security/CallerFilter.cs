using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Discovery.Environments;
using Microsoft.Extensions.Logging;

namespace Discovery.Security;

/// <summary>
/// Judges every call a silo receives. The cluster's own calls carry the internal mark (<see cref="InternalCallMark"/>)
/// and pass. Any other call comes from a client, directly or through a silo's HTTP API: it must reach a method marked
/// <see cref="ClientAccessAttribute"/> (nodes' roles, directories, scheduling and event publishing are refused whatever
/// the token), carry a token that validates, and be allowed by <see cref="AccessRules"/> for its caller and VE; a tenant
/// is held to its rate; every call that changes something is audited.
/// </summary>
public sealed partial class CallerFilter(SecurityOptions options, TokenValidator tokens, TenantRateLimiter rates, AuditTrail audit, ILogger<CallerFilter> logger)
    : IIncomingGrainCallFilter
{
    private readonly byte[] _mark = Encoding.UTF8.GetBytes(ClusterKey.InternalMark(options.ClusterKey));

    /// <summary>The caller every call is taken from when the cluster runs without tokens.</summary>
    public static readonly Caller Anonymous = new("anonymous", Role.Operator, null);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Observer callbacks to the silo's own hosted client (its HTTP API's event streams) arrive here too: the silo sent them.
        if (IsInternal() || context.TargetId.IsClient() || context.InterfaceMethod.DeclaringType?.FullName == TimerTicks)
        {
            await context.Invoke();
            return;
        }
        if (SystemTargetGrainId.TryParse(context.TargetId, out _))
        {
            // Orleans' own runtime services a client needs (the cluster manifest, its gateway's routing) are not grains.
            if (ClientSystemTargets.Contains(context.InterfaceMethod.DeclaringType?.FullName ?? "")) { await context.Invoke(); return; }
            LogRefusedSystemTarget(logger, context.InterfaceName, context.MethodName);
            throw new AccessDeniedException($"{context.InterfaceName} is internal to the cluster: clients may not call it", AccessRefusal.Forbidden);
        }
        var access = context.InterfaceMethod.GetCustomAttribute<ClientAccessAttribute>();
        if (access is null)
        {
            LogRefusedInternal(logger, context.InterfaceName, context.MethodName);
            throw new AccessDeniedException(
                $"{ShortName(context.InterfaceName)}.{context.MethodName} is internal to the cluster: clients reach VEs, listings, nodes and events through the client library",
                AccessRefusal.Forbidden);
        }
        var caller = await CallerAsync();
        RequestContext.Set(CallerContext.CallerKey, caller);
        var target = context.TargetId.Key.ToString() ?? "";
        var veTenant = access.Access is Access.ReadVe or Access.SubmitVe or Access.OperateVe ? VeId.Parse(target)?.Tenant : null;
        switch (AccessRules.Decide(caller, access.Access, veTenant, options.AllowFaults))
        {
            case AccessDecision.NotFound:
                Audit(access, caller, context, target, "refused: not found");
                throw new VeRefusedException($"VE {target} does not exist: submit it first", VeRefusal.NotFound); // the VE grain's own words: nothing tells it exists
            case AccessDecision.Forbidden:
                var why = AccessRules.WhyForbidden(caller, access.Access, veTenant);
                Audit(access, caller, context, target, "refused: " + why);
                throw new AccessDeniedException(why, AccessRefusal.Forbidden);
        }
        if (caller.Role == Role.Tenant && rates.TryAcquire(caller.Tenant!) is { } retryAfter)
        {
            Audit(access, caller, context, target, "refused: rate");
            throw new AccessDeniedException(
                $"tenant '{caller.Tenant}' is past its rate of {options.RatePermits} calls per {options.RateWindow.TotalSeconds:0.###} s (burst {options.RateBurst}): try again in {retryAfter} s",
                AccessRefusal.RateLimited, retryAfter);
        }
        try
        {
            await context.Invoke();
            Audit(access, caller, context, target, "ok");
        }
        catch (Exception e)
        {
            Audit(access, caller, context, target, "failed: " + e.GetType().Name);
            throw;
        }
    }

    private void Audit(ClientAccessAttribute access, Caller caller, IIncomingGrainCallContext context, string target, string outcome)
    {
        if (access.Mutates || outcome != "ok") audit.Record(caller, $"{ShortName(context.InterfaceName)}.{context.MethodName}", target, outcome);
    }

    private async ValueTask<Caller> CallerAsync()
    {
        if (!options.RequireTokens) return Anonymous;
        if (RequestContext.Get(CallerContext.TokenKey) is not string { Length: > 0 } token)
            throw new AccessDeniedException("no token: give one (--token, DISCOVERY_TOKEN, DiscoveryClientOptions.Token; `discovery token issue` makes one)", AccessRefusal.Unauthenticated);
        return await tokens.ValidateAsync(token);
    }

    private bool IsInternal() =>
        RequestContext.Get(CallerContext.InternalKey) is string mark && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(mark), _mark);

    private static string ShortName(string interfaceName) => interfaceName[(interfaceName.LastIndexOf('.') + 1)..];

    /// <summary>A grain's own timer ticks: delivered as calls to itself, made by the runtime (never through a grain reference, so unmarked).</summary>
    private const string TimerTicks = "Orleans.Runtime.IGrainTimerInvoker";

    /// <summary>Orleans system targets a client calls to connect and route (anything else is the cluster's own).</summary>
    private static readonly HashSet<string> ClientSystemTargets = new(StringComparer.Ordinal)
    {
        "Orleans.Runtime.IClusterManifestSystemTarget",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client's call to internal {Interface}.{Method}")]
    private static partial void LogRefusedInternal(ILogger logger, string @interface, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client's call to system target {Interface}.{Method}")]
    private static partial void LogRefusedSystemTarget(ILogger logger, string @interface, string method);
}
