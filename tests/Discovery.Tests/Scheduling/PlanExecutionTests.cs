using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discovery.Tests.Scheduling;

/// <summary>The executor shared by partitions and centralized loops: the checker sees every plan before any migration.</summary>
public sealed class PlanExecutionTests
{
    [Fact]
    public async Task A_plan_the_checker_rejects_is_not_applied_and_is_counted()
    {
        // A "solver" that lands v1 on the node it is banned from.
        var problem = new PlacementProblem(
            [new PlacementNode("a", new Resources(400, 8192)), new PlacementNode("b", new Resources(400, 8192))],
            [new PlacementVm("v1", new Resources(100, 512), "a")],
            [new Ban(["v1"], ["b"])]);
        var plan = new MigrationPlan([new PlanStep([new Migration("v1", "a", "b", 512)])]);
        var result = new PlacementResult(PlacementStatus.Solved, ImmutableDictionary<string, string>.Empty.Add("v1", "b"), plan, TimeSpan.Zero, false, "broken");

        using var metrics = new SchedulingMetrics();
        long rejected = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.PlansRejected.Meter && instrument.Name == "discovery.plans.rejected") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref rejected, value));
        listener.Start();

        // No grain factory: a rejected plan must not reach a single node grain.
        var e = await Assert.ThrowsAsync<PlanRejectedException>(() => PlanExecution.ApplyAsync(null!, problem, result, metrics, NullLogger.Instance, "p1"));

        Assert.Equal(["ban: VM 'v1' is on banned node 'b'", "step 1: v1 a->b: ban: VM 'v1' migrates onto banned node 'b'"], e.Violations);
        Assert.Equal(1, rejected);
    }
}
