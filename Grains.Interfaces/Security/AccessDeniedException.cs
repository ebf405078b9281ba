namespace Discovery.Security;

/// <summary>Why a call was refused.</summary>
public enum AccessRefusal
{
    /// <summary>No token, or one that does not validate (expired, forged, wrong audience or issuer): HTTP 401.</summary>
    Unauthenticated,
    /// <summary>A valid token whose role or tenant does not allow the call: HTTP 403.</summary>
    Forbidden,
    /// <summary>The caller went past its tenant's rate: HTTP 429, try again after <see cref="AccessDeniedException.RetryAfterSeconds"/>.</summary>
    RateLimited,
    /// <summary>The VE would take its tenant past a quota: HTTP 403, the quota named.</summary>
    QuotaExceeded,
}

/// <summary>A call refused by the cluster's security: the message says what was missing and what to do.</summary>
[GenerateSerializer, Alias("discovery.access-denied")]
public sealed class AccessDeniedException : UnauthorizedAccessException
{
    /// <summary>A refusal saying why.</summary>
    public AccessDeniedException(string message, AccessRefusal kind, int retryAfterSeconds = 0) : base(message) =>
        (Kind, RetryAfterSeconds) = (kind, retryAfterSeconds);

    /// <summary>Why, for callers that react to it.</summary>
    [Id(0)]
    public AccessRefusal Kind { get; private set; }

    /// <summary>For <see cref="AccessRefusal.RateLimited"/>: seconds before the next call can pass.</summary>
    [Id(1)]
    public int RetryAfterSeconds { get; private set; }
}
