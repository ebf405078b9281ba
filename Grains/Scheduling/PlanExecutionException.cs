using Discovery.Placement;

namespace Discovery.Scheduling;

/// <summary>A migration of a plan failed; the steps before it have landed, the later ones were not started.</summary>
public sealed class PlanExecutionException(int landed, Migration failed, Exception inner)
    : Exception($"migration of {failed.Vm} {failed.From}->{failed.To} failed after {landed} landed: {inner.Message}", inner)
{
    /// <summary>Migrations that landed before the plan stopped.</summary>
    public int Landed { get; } = landed;
}
