using Discovery.Grains;
using Discovery.Placement;

namespace Discovery.Scheduling;

/// <summary>A migration of a plan failed; the steps before it have landed, the later ones were not started.</summary>
public sealed class PlanExecutionException(int landed, Migration failed, Exception inner)
    : Exception($"migration of {failed.Vm} {failed.From}->{failed.To} failed after {landed} landed: {inner.Message}", inner)
{
    /// <summary>Migrations that landed before the plan stopped.</summary>
    public int Landed { get; } = landed;
}

/// <summary>
/// Applies a plan through the node grains, the one way partitions and centralized schedulers do
/// it: the migrations of a step run in parallel; the next step starts only when the whole step has
/// landed, since the plan's intermediate states assume it. Landed VMs are recorded in their VM grains.
/// </summary>
public static class PlanExecution
{
    /// <summary>Returns the number of migrations landed; throws <see cref="PlanExecutionException"/> after a step with a failure.</summary>
    public static async Task<int> ApplyAsync(IGrainFactory grains, MigrationPlan plan, SchedulingMetrics metrics)
    {
        var landed = 0;
        foreach (var step in plan.Steps)
        {
            var outcomes = await Task.WhenAll(step.Migrations.Select(async m =>
            {
                try
                {
                    await grains.GetGrain<INodeGrain>(m.From).MigrateAsync(m.Vm, m.To);
                    await grains.GetGrain<IVmGrain>(m.Vm).MovedAsync(m.To);
                    return (m, Error: (Exception?)null);
                }
                catch (Exception e)
                {
                    return (m, Error: e);
                }
            }));
            var ok = outcomes.Count(o => o.Error is null);
            landed += ok;
            metrics.Migrations.Add(ok);
            if (outcomes.FirstOrDefault(o => o.Error is not null) is { Error: { } error } failed)
                throw new PlanExecutionException(landed, failed.m, error);
        }
        return landed;
    }
}
