using System.Diagnostics;
using Discovery.Constraints;
using Discovery.Placement;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary><see cref="ProblemIndex"/>: hosts, loads, domains and the VMs a repair must consider, as every solver reads them.</summary>
public sealed class ProblemIndexTests
{
    // Nodes a, b, c, d of 400 CPU (d offline). a is overloaded (500), b at 95 %; v4 is banned from b, v5 not placed yet,
    // v6 migrating (pinned), g gathered with a VM outside the problem (kept where it is).
    private static readonly PlacementProblem Problem = new Problems().Node("a").Node("b").Node("c").Node("d")
        .Vm("v1", "a", 300).Vm("v2", "a", 200).Vm("v3", "b", 380).Vm("v4", "c", 100).New("v5", 100).Vm("v6", "c", 50, pinned: true).Vm("g", "c", 10)
        .With(new Offline(Of("d"))).With(new Ban(Of("v4"), Of("b"))).With(new Gather(Of("g", "outside")))
        .Build();

    private static ProblemIndex Prepare(SolverOptions? options = null)
    {
        var index = ProblemIndex.Prepare(Problem, "test", Stopwatch.StartNew(), out var refusal, options);
        Assert.Null(refusal);
        return index!;
    }

    private static string Vms(ProblemIndex index, Func<int, bool> which) =>
        string.Join(",", Enumerable.Range(0, index.Vms.Length).Where(which).Select(v => index.Vms[v].Id));

    [Fact]
    public void Hosts_loads_and_domains_are_indexed()
    {
        var index = Prepare();
        Assert.Equal([0, 0, 1, 2, -1, 2, 2], index.Host);
        Assert.Equal([500, 380, 160, 0], index.Load.Select(l => l.Cpu));
        Assert.Equal([false, false, false, true], index.Offline);
        Assert.Equal([true, false, false, false], Enumerable.Range(0, 4).Select(index.Overloaded));
        Assert.Equal("v4", Vms(index, v => index.Named[v]));         // the gather left the problem: its inside member is only pinned
        Assert.Equal("v6,g", Vms(index, v => index.Pinned[v]));
        Assert.Equal([typeof(Ban)], index.Constraints.Select(c => c.GetType())); // offline lives in the domains, the gather was dropped
        Assert.Equal([0, 2], index.Allowed[index.VmIndex["v4"]]);   // neither b (ban) nor d (offline)
        Assert.Equal([0, 1, 2], index.Allowed[index.VmIndex["v1"]]);
        Assert.Equal("v5", Vms(index, index.IsUnplaced));
    }

    [Fact]
    public void A_repair_considers_vms_of_overloaded_nodes_named_ones_and_unplaced_ones_and_pressured_nodes_only_with_a_headroom_target()
    {
        var plain = Prepare();
        Assert.Equal("v1,v2,v4,v5", Vms(plain, plain.MustConsider));
        Assert.Equal([false, false, false, false], plain.Pressured);

        var pressured = Prepare(SolverOptions.Default with { Headroom = 0.9, Pressure = 0.93 });
        Assert.Equal([false, true, false, false], pressured.Pressured); // a is overloaded, not pressured; b is at 95 %
        Assert.Equal("v1,v2,v3,v4,v5", Vms(pressured, pressured.MustConsider));
        Assert.Equal([true, true, false, false], Enumerable.Range(0, 4).Select(pressured.MustShed));

        var noTarget = Prepare(SolverOptions.Default with { Headroom = null, Pressure = 0.93 });
        Assert.Equal([false, false, false, false], noTarget.Pressured);
    }

    [Fact]
    public void A_migrating_vm_where_it_may_not_stay_is_refused_as_no_solution_and_a_malformed_problem_as_invalid()
    {
        var stuck = new Problems().Node("a").Node("b").Vm("m", "b", 100, pinned: true).With(new Ban(Of("m"), Of("b"))).Build();
        Assert.Null(ProblemIndex.Prepare(stuck, "test", Stopwatch.StartNew(), out var refusal));
        Assert.Equal((PlacementStatus.NoSolution, "VM 'm' cannot move now (it is migrating) and may not stay on 'b'", "test"),
            (refusal!.Status, refusal.Detail, refusal.Solver));

        var malformed = new Problems().Node("a").Vm("v", "nowhere", 100).Build();
        Assert.Null(ProblemIndex.Prepare(malformed, "test", Stopwatch.StartNew(), out var invalid));
        Assert.Equal(PlacementStatus.Invalid, invalid!.Status);
        Assert.Equal(string.Join("; ", malformed.StructuralProblems()), invalid.Detail);
    }
}
