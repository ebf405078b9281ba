using Discovery.Model;
using Discovery.Placement;
using Discovery.Solving;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Solving;

/// <summary>DVMS partition solves never wait behind VE admission solves: each lane has its own queue and threads.</summary>
[Collection(DvmsCollection.Name)]
public sealed class SolverLanesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_partition_solve_runs_while_the_admission_lane_is_full()
    {
        using var threads = new SolverThreads(threads: 1, admissionThreads: 1);
        using var gate = new ManualResetEventSlim();
        var queued = Enumerable.Range(0, 20).Select(i => threads.Run(() => { gate.Wait(); return i; }, SolverLane.Admission)).ToList();

        var partition = await threads.Run(() => "partition", SolverLane.Partition).WaitAsync(Wait);

        Assert.Equal("partition", partition);
        Assert.Equal(0, queued.Count(t => t.IsCompleted));
        gate.Set();
        Assert.Equal(Enumerable.Range(0, 20), await Task.WhenAll(queued).WaitAsync(Wait));
    }

    [Fact]
    public void The_admission_lane_has_half_the_partition_threads_and_at_least_one()
    {
        using var four = new SolverThreads(4);
        using var one = new SolverThreads(1);
        Assert.Equal((4, 2, 1, 1), (four.Count, four.AdmissionCount, one.Count, one.AdmissionCount));
    }

    [Fact]
    public async Task Through_the_solver_grain_a_partition_solve_does_not_wait_behind_queued_admission_solves()
    {
        var threads = new SolverThreads(threads: 1, admissionThreads: 1);
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0)], new Discovery.Scheduling.DvmsOptions { Enabled = false },
            configure: silo => silo.Services.AddSingleton(threads));
        var solver = c.Grains.GetGrain<ISolverGrain>(0);
        using var gate = new ManualResetEventSlim();
        var blocker = threads.Run(() => { gate.Wait(); return true; }, SolverLane.Admission); // the admission lane's only thread, held
        var problem = new PlacementProblem(
            [new PlacementNode("a", new Resources(200, 4096)), new PlacementNode("b", new Resources(200, 4096))],
            [new PlacementVm("v1", new Resources(100, 512), "a"), new PlacementVm("v2", new Resources(100, 512), "a"), new PlacementVm("v3", new Resources(100, 512), "a")],
            []);
        var admissions = Enumerable.Range(0, 20).Select(_ => solver.SolveAdmissionAsync(problem, SolverOptions.Default)).ToList();
        try
        {
            var partition = await solver.SolveAsync(problem, SolverOptions.Default).WaitAsync(Wait);

            Assert.True(partition.IsSolved, partition.Status.ToString());
            Assert.Equal(0, admissions.Count(t => t.IsCompleted));
        }
        finally
        {
            gate.Set(); // else the silo cannot stop: its admission solves would wait for ever
        }
        Assert.Equal(20, (await Task.WhenAll(admissions).WaitAsync(Wait)).Count(r => r.IsSolved));
        await blocker;
    }
}
