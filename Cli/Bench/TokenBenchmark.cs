using System.Diagnostics;
using Discovery.Security;

namespace Discovery.Cli.Bench;

/// <summary>
/// What checking a caller costs per call: the first sight of a token (signature, lifetime, claims: what every call would
/// pay without the cache) and every later call with the same token (the silo remembers valid tokens until they expire).
/// </summary>
public static class TokenBenchmark
{
    /// <summary>Microseconds per validation, first sight and remembered.</summary>
    public sealed record Result(int Calls, double FirstSightMicroseconds, double RememberedMicroseconds);

    public static async Task<Result> RunAsync(int calls)
    {
        var key = ClusterKey.Create();
        var now = DateTimeOffset.UtcNow;
        var tokens = Enumerable.Range(0, calls).Select(i => TokenIssuer.Issue(key, $"tenant-{i}", Role.Tenant, $"tenant-{i % 100}", TimeSpan.FromHours(1), now)).ToArray();
        var options = new SecurityOptions { ClusterKey = key };
        // Warm up the handler (JIT, crypto) on tokens outside the measured set.
        var warm = new TokenValidator(options);
        for (var i = 0; i < 1000; i++) await warm.ValidateAsync(TokenIssuer.Issue(key, "warm", Role.Operator, null, TimeSpan.FromHours(1), now));

        var validator = new TokenValidator(options);
        var clock = Stopwatch.StartNew();
        foreach (var token in tokens) await validator.ValidateAsync(token); // each a first sight (10,000 remembered at most: the cache is cleared when full)
        var first = clock.Elapsed.TotalMicroseconds / calls;

        var one = tokens[0];
        await validator.ValidateAsync(one);
        clock.Restart();
        for (var i = 0; i < calls; i++) await validator.ValidateAsync(one);
        var remembered = clock.Elapsed.TotalMicroseconds / calls;
        return new Result(calls, first, remembered);
    }
}
