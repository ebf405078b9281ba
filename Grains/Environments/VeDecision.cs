namespace Discovery.Environments;

/// <summary>The answer of <see cref="VeLifecycle.Decide"/>: go ahead, nothing to do, or refused with the reason.</summary>
public sealed record VeDecision(bool Go, string? Refusal)
{
    /// <summary>Carry the operation out.</summary>
    public static VeDecision Proceed { get; } = new(true, null);

    /// <summary>The VE is already where the operation would take it: succeed without doing anything.</summary>
    public static VeDecision AlreadyThere { get; } = new(false, null);

    /// <summary>The operation makes no sense now.</summary>
    public static VeDecision Refuse(string why) => new(false, why);
}
