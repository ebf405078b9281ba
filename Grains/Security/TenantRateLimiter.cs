using System.Collections.Concurrent;

namespace Discovery.Security;

/// <summary>
/// A token bucket per tenant, on each silo: <see cref="SecurityOptions.RateBurst"/> calls at once, refilled continuously at
/// <see cref="SecurityOptions.RatePermits"/> per <see cref="SecurityOptions.RateWindow"/>. Timed on an injected clock.
/// </summary>
public sealed class TenantRateLimiter(SecurityOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="tenant"/> may make one more call now (it is counted); else the whole seconds to wait.</summary>
    public int? TryAcquire(string tenant)
    {
        var bucket = _buckets.GetOrAdd(tenant, _ => new Bucket(options.RateBurst, _time.GetTimestamp()));
        var perSecond = options.RatePermits / options.RateWindow.TotalSeconds;
        lock (bucket)
        {
            var now = _time.GetTimestamp();
            bucket.Tokens = Math.Min(options.RateBurst, bucket.Tokens + _time.GetElapsedTime(bucket.At, now).TotalSeconds * perSecond);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }
            return Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / perSecond));
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens = tokens;
        public long At = at;
    }
}
