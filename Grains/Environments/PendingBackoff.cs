namespace Discovery.Environments;

/// <summary>How often a Pending VE tries to place its VMs again on its own (it also tries whenever room appears).</summary>
public sealed record PendingRetryPolicy
{
    /// <summary>The first wait, after the try that left the VE Pending.</summary>
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Each wait doubles up to this.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Each wait is the doubled one times 1 ± this, drawn at random (0.2: ±20 %), so VEs that went Pending together spread out.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Mixed with each VE's key into its jitter's seed: reproducible runs, different draws per VE.</summary>
    public int Seed { get; init; }

    /// <summary>What is wrong with this policy (empty when nothing).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Initial <= TimeSpan.Zero) problems.Add($"PendingRetry.Initial: must be positive, got {Initial}");
        if (Max < Initial) problems.Add($"PendingRetry.Max: must be at least Initial ({Initial}), got {Max}");
        if (Jitter is < 0 or >= 1 || double.IsNaN(Jitter)) problems.Add($"PendingRetry.Jitter: must be within 0 (none) and 1 (excluded), got {Jitter}");
        return problems;
    }
}

/// <summary>
/// A Pending VE's waits between tries (pure logic): <see cref="PendingRetryPolicy.Initial"/>, doubling to <see cref="PendingRetryPolicy.Max"/>,
/// each with its jitter; <see cref="Reset"/> starts over (room appeared, or the VE left Pending). Without a backoff, every Pending VE
/// solved again every 10 s whatever happened, so a crowd of them kept the solver busy for nothing.
/// </summary>
public sealed class PendingBackoff(PendingRetryPolicy policy, Random random)
{
    private TimeSpan _next = policy.Initial;

    /// <summary>The wait before the next try; the one after is twice as long (before jitter), up to the maximum.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        _next = wait * 2 < policy.Max ? wait * 2 : policy.Max;
        return wait * (1 + policy.Jitter * (2 * random.NextDouble() - 1));
    }

    /// <summary>Back to the first wait.</summary>
    public void Reset() => _next = policy.Initial;
}
