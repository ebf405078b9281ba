namespace Discovery.Scheduling;

/// <summary>The independent checker found the plan unsafe or its target not viable: nothing was applied.</summary>
public sealed class PlanRejectedException(IReadOnlyList<string> violations)
    : Exception($"plan rejected by the checker: {string.Join("; ", violations)}")
{
    /// <summary>Every violation the checker found (each names its constraint).</summary>
    public IReadOnlyList<string> Violations { get; } = violations;
}
