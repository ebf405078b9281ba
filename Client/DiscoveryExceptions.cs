using System.Collections.Immutable;
using Discovery.Environments;

namespace Discovery.Client;

/// <summary>Base of the exceptions the client library throws.</summary>
public class DiscoveryException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public DiscoveryException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One problem of an input: where (a file, or a field such as <c>vms[1].id</c>), the position in a file when known, and why.</summary>
public sealed record InputProblem(string Where, int? Line, int? Column, string Message)
{
    /// <summary><c>FILE:LINE:COL: message</c> or <c>field: message</c>.</summary>
    public override string ToString() => Line is { } l ? $"{Where}:{l}:{Column}: {Message}" : $"{Where}: {Message}";
}

/// <summary>The input (a VE text or spec) has problems: all of them are listed, none was stored or started.</summary>
public sealed class DiscoveryInvalidInputException(IReadOnlyList<InputProblem> problems, Exception? inner = null)
    : DiscoveryException($"{problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)), inner)
{
    /// <summary>Every problem found.</summary>
    public ImmutableArray<InputProblem> Problems { get; } = [.. problems];
}

/// <summary>No such VE or node.</summary>
public sealed class DiscoveryNotFoundException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>The operation conflicts with the VE's state (it already exists, or is stopped when resumed): the message says what to do.</summary>
public sealed class DiscoveryConflictException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>
/// The cluster refused the call: no token or one that does not validate (<see cref="Refusal"/> Unauthenticated), a role or
/// tenant that does not allow it (Forbidden), a quota (QuotaExceeded) or the tenant's rate (RateLimited: wait
/// <see cref="RetryAfter"/>). The message says which and what to do.
/// </summary>
public sealed class DiscoveryAccessDeniedException(string message, Security.AccessRefusal refusal, TimeSpan retryAfter, Exception? inner = null)
    : DiscoveryException(message, inner)
{
    /// <summary>Why the call was refused.</summary>
    public Security.AccessRefusal Refusal { get; } = refusal;

    /// <summary>For RateLimited: how long to wait before calling again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>No silo answered: the message names where the client looked and how long it waited.</summary>
public sealed class DiscoveryUnavailableException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>The operation is not possible on this cluster (fault injection on a real hypervisor).</summary>
public sealed class DiscoveryNotSupportedException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>
/// A wait for a VE (<see cref="DiscoveryClient.WaitForVeAsync"/>) ran out of time while the VE was still Pending. The VE stays
/// submitted and is placed as soon as room appears; <see cref="LastView"/> says what it waits for.
/// </summary>
public sealed class VeWaitTimeoutException(VeView lastView, TimeSpan timeout, Exception? inner = null)
    : DiscoveryException($"VE {lastView.Id} still {lastView.State} after {Describe(timeout)}: {lastView.Reason ?? "no reason given"}. " +
        "It stays submitted and starts as soon as room appears: wait again, or delete it to give up.", inner)
{
    /// <summary>The VE as last read, Pending, with its reason.</summary>
    public VeView LastView { get; } = lastView;

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary><c>90 s</c>, <c>5 min</c>, <c>2 h</c>, <c>1 h 30 min</c>: a timeout as people write it.</summary>
    private static string Describe(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerMinute != 0 ? $"{t.TotalSeconds:0.###} s"
        : t.Ticks % TimeSpan.TicksPerHour == 0 ? $"{t.TotalHours:0} h"
        : t >= TimeSpan.FromHours(1) ? $"{(int)t.TotalHours} h {t.Minutes} min"
        : $"{t.TotalMinutes:0} min";
}

/// <summary>The first item of <see cref="DiscoveryClient.WatchAllAsync(bool, CancellationToken)"/> when asked for: the subscription is registered (at <paramref name="At"/>, UTC).</summary>
public sealed record WatchSubscribed(DateTimeOffset At);
