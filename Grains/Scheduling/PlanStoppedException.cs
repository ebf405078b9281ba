namespace Discovery.Scheduling;

/// <summary>A plan stopped between two steps (the silo is stopping, or its partition lost a lease): the steps started have landed, no later one started.</summary>
public sealed class PlanStoppedException(int landed) : OperationCanceledException($"plan stopped after {landed} migration(s) landed")
{
    /// <summary>Migrations that landed before the plan stopped.</summary>
    public int Landed { get; } = landed;
}
