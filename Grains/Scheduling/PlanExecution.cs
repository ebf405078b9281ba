using Discovery.Environments;
using Discovery.Monitoring;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Microsoft.Extensions.Logging;

namespace Discovery.Scheduling;

/// <summary>
/// Applies a plan through the node grains, the one way partitions and centralized schedulers do
/// it. The independent checker sees the plan first: a plan it rejects is never applied. The
/// migrations of a step run in parallel; the next step starts only when the whole step has landed,
/// since the plan's intermediate states assume it. Landed VMs are recorded in their VM grains.
/// </summary>
public static class PlanExecution
{
    /// <summary>
    /// Returns the number of migrations landed. Throws <see cref="PlanRejectedException"/> (nothing applied)
    /// when the checker finds a violation, <see cref="PlanExecutionException"/> after a step with a failure,
    /// <see cref="PlanStoppedException"/> between two steps once <paramref name="stopping"/> is cancelled
    /// (the silo is stopping, or a lease was lost: the steps started have landed, no new one starts).
    /// </summary>
    public static async Task<int> ApplyAsync(IGrainFactory grains, PlacementProblem problem, PlacementResult result,
        SchedulingMetrics metrics, ILogger logger, string scheduler, CancellationToken stopping = default, CancellationToken siloStopping = default)
    {
        var violations = PlacementChecker.CheckPlan(problem, result.Target, result.Plan);
        if (violations.Count > 0)
        {
            metrics.PlansRejected.Add(1);
            logger.LogError("Scheduler {Scheduler}: {Solver} plan rejected by the checker, not applied: {Violations}",
                scheduler, result.Solver, string.Join("; ", violations));
            throw new PlanRejectedException(violations);
        }

        var landed = 0;
        foreach (var step in result.Plan.Steps)
        {
            if (stopping.IsCancellationRequested) throw new PlanStoppedException(landed);
            var outcomes = await Task.WhenAll(step.Migrations.Select(async m =>
            {
                try
                {
                    await grains.GetGrain<IMigrationSource>(m.From).MigrateAsync(m.Vm, m.To);
                    // A stopping silo places no new activation: the VM's VE catches up when it reconciles.
                    if (!siloStopping.IsCancellationRequested) await grains.GetGrain<IVmGrain>(m.Vm).MovedAsync(m.From, m.To);
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
            var crossed = outcomes.Count(o => o.Error is null && problem.CrossesSites(o.m.From, o.m.To));
            if (crossed > 0) metrics.CrossSiteMigrations.Add(crossed);
            if (outcomes.FirstOrDefault(o => o.Error is not null) is { Error: { } error } failed)
                throw new PlanExecutionException(landed, failed.m, error);
        }
        return landed;
    }
}
