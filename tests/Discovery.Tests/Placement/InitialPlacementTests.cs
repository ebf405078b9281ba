using System.Collections.Immutable;
using Discovery.Cli.Bench;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary>Initial placement: VMs without a host (a VE being submitted) get a node; running VMs stay or migrate as usual.</summary>
public sealed class InitialPlacementTests
{
    private static readonly SolverOptions Options = new(TimeSpan.FromSeconds(10), Workers: 1); // one worker: CP-SAT deterministic, counts exact

    public static TheoryData<SolverKind> Solvers() => [SolverKind.CpSat, SolverKind.Greedy];

    private static PlacementResult SolveChecked(SolverKind kind, PlacementProblem problem)
    {
        var result = PlacementSolvers.For(kind).Solve(problem, Options);
        if (result.IsSolved) Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result;
    }

    private static ImmutableDictionary<string, string> Target(params (string vm, string node)[] t) => t.ToImmutableDictionary(x => x.vm, x => x.node);

    /// <summary>
    /// Pinned running VMs leave 3, 2.5, 0.5 and 2 vCPU free on n1..n4; the VE's spread VMs need 3, 2.5 and 2 vCPU:
    /// web1 fits only n1, web2 then only n2, web3 then only n4.
    /// </summary>
    private static PlacementProblem SpreadVe() => new Problems().Node("n1").Node("n2").Node("n3").Node("n4")
        .Vm("r1", "n1", 100, pinned: true).Vm("r2", "n2", 150, pinned: true).Vm("r3", "n3", 350, pinned: true).Vm("r4", "n4", 200, pinned: true)
        .New("web1", 300).New("web2", 250).New("web3", 200)
        .With(new Spread(Of("web1", "web2", "web3")))
        .Build();

    [Theory]
    [MemberData(nameof(Solvers))]
    public void A_spread_ve_is_placed_without_moving_anything(SolverKind kind)
    {
        var problem = SpreadVe();
        var r = SolveChecked(kind, problem);

        Assert.True(r.IsSolved, $"{r.Status}: {r.Detail}");
        Assert.Equal(0, r.Migrations);
        Assert.Equal(Target(("r1", "n1"), ("r2", "n2"), ("r3", "n3"), ("r4", "n4"), ("web1", "n1"), ("web2", "n2"), ("web3", "n4")), r.Target);
        Assert.Empty(PlacementChecker.CheckPlacement(problem, r.Target));
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void Ban_fence_and_latency_are_honoured_for_new_vms(SolverKind kind)
    {
        // a: banned from n1-n3; b: fenced on n2; c fenced on n3 decides the latency group {n3, n4}, where d is banned from n3.
        var problem = new Problems().Node("n1").Node("n2").Node("n3").Node("n4")
            .Vm("r1", "n1", 100, pinned: true)
            .New("a", 100).New("b", 100).New("c", 100).New("d", 100)
            .With(new Ban(Of("a"), Of("n1", "n2", "n3")))
            .With(new Fence(Of("b"), Of("n2")))
            .With(new Latency(Of("c", "d"), [Of("n1", "n2"), Of("n3", "n4")]))
            .With(new Fence(Of("c"), Of("n3")))
            .With(new Ban(Of("d"), Of("n3")))
            .Build();

        var r = SolveChecked(kind, problem);

        Assert.True(r.IsSolved, $"{r.Status}: {r.Detail}");
        Assert.Equal(0, r.Migrations);
        Assert.Equal(Target(("r1", "n1"), ("a", "n4"), ("b", "n2"), ("c", "n3"), ("d", "n4")), r.Target);
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void A_vm_larger_than_every_node_has_no_solution_and_the_reason_says_so(SolverKind kind)
    {
        var problem = new Problems().Node("n1").Node("n2").Node("n3")
            .Vm("r1", "n1", 150, pinned: true).New("big", 500, 4096).Build();

        var r = SolveChecked(kind, problem);

        Assert.Equal(PlacementStatus.NoSolution, r.Status);
        Assert.Equal("big needs 5 vCPU / 4 GiB; no node has it: CPU is short on every one; the roomiest has 4 vCPU / 8 GiB free (n2)", r.Detail);
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void A_spread_of_three_over_two_allowed_nodes_has_no_solution_and_the_reason_says_so(SolverKind kind)
    {
        var problem = new Problems().Node("n1").Node("n2").Node("n3").Node("n4")
            .Vm("r3", "n3", 400, pinned: true)
            .New("web1", 100).New("web2", 100).New("web3", 100)
            .With(new Fence(Of("web1", "web2", "web3"), Of("n1", "n2", "n3")))
            .With(new Spread(Of("web1", "web2", "web3")))
            .Build();

        var r = SolveChecked(kind, problem);

        Assert.Equal(PlacementStatus.NoSolution, r.Status);
        Assert.Equal("spread(web1, web2, web3) needs 3 distinct nodes; only 2 are allowed and have room", r.Detail);
    }

    [Fact]
    public void The_checker_rejects_a_target_that_leaves_a_new_vm_unplaced()
    {
        var problem = new Problems().Node("n1").New("web1", 100).Build();

        Assert.Equal(new[] { "VM 'web1' is not placed yet and the target leaves it unplaced" }, PlacementChecker.CheckPlacement(problem, Target()));
    }

    [Fact]
    public void The_checker_rejects_a_new_vm_on_a_banned_node_at_the_end_and_at_its_start()
    {
        var problem = new Problems().Node("n1").Node("n2").New("web1", 100).With(new Ban(Of("web1"), Of("n1"))).Build();
        var target = Target(("web1", "n1"));

        Assert.Equal(new[] { "ban: VM 'web1' is on banned node 'n1'" }, PlacementChecker.CheckPlacement(problem, target));
        Assert.Equal(
            new[] { "ban: VM 'web1' is on banned node 'n1'", "start: VM 'web1' on 'n1': ban: VM 'web1' migrates onto banned node 'n1'" },
            PlacementChecker.CheckPlan(problem, target, MigrationPlan.Empty));
    }

    [Fact]
    public void The_checker_rejects_a_start_on_a_node_without_room_and_a_migration_of_a_new_vm()
    {
        var problem = new Problems().Node("n1").Node("n2").Vm("r1", "n1", 300, pinned: true).New("web1", 200).Build();
        var plan = new MigrationPlan([new PlanStep([new Migration("web1", "n2", "n1", 1024)])]);

        Assert.Equal(
            new[]
            {
                "capacity: node 'n1' needs 5 cores, 2048 MiB but has 4 cores, 8192 MiB",
                "step 1: web1 n2->n1: the VM is not placed yet: it starts on its target after the plan, it does not migrate",
                "start: VM 'web1' on 'n1': node 'n1' needs 5 cores, 2048 MiB with everything landed, but has 4 cores, 8192 MiB",
            },
            PlacementChecker.CheckPlan(problem, Target(("r1", "n1"), ("web1", "n1")), plan));
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void An_overloaded_node_and_new_vms_are_solved_with_migrations_then_starts(SolverKind kind)
    {
        // n1 (a 3 + b 2 vCPU) is overloaded; moving a (1 GiB) to n2 is the cheapest repair, and then
        // f (2 vCPU) fits only on n1 and e (1 vCPU) only on n3.
        var problem = new Problems().Node("n1").Node("n2").Node("n3")
            .Vm("a", "n1", 300, 1024).Vm("b", "n1", 200, 2048).Vm("c", "n2", 100).Vm("d", "n3", 250)
            .New("e", 100).New("f", 200)
            .Build();

        var r = SolveChecked(kind, problem);

        Assert.True(r.IsSolved, $"{r.Status}: {r.Detail}");
        Assert.Equal(Target(("a", "n2"), ("b", "n1"), ("c", "n2"), ("d", "n3"), ("e", "n3"), ("f", "n1")), r.Target);
        var m = Assert.Single(r.Plan.Migrations);
        Assert.Equal(("a", "n1", "n2"), (m.Vm, m.From, m.To));
        Assert.Empty(PlacementChecker.CheckPlan(problem, r.Target, r.Plan));
    }

    [Fact]
    public void Random_instances_with_new_vms_every_solved_result_passes_the_plan_checker()
    {
        var outcomes = new List<string>();
        int cpsatSolved = 0, greedySolved = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var problem = WithNewVmsAndConstraints(InstanceGenerator.Generate(nodes: 6, vmsPerNode: 4, seed: 700 + seed, targetLoad: 0.75), seed);
            Assert.NotEmpty(problem.Unplaced);

            var greedy = new GreedyPlacementSolver().Solve(problem, Options);
            var cpsat = new CpSatPlacementSolver().Solve(problem, Options);

            foreach (var r in new[] { greedy, cpsat }.Where(r => r.IsSolved))
            {
                var errors = PlacementChecker.CheckPlan(problem, r.Target, r.Plan);
                Assert.True(errors.Count == 0, $"seed {seed}, {r.Solver}: {string.Join("; ", errors)}");
                Assert.All(problem.Unplaced, v => Assert.True(r.Target.ContainsKey(v.Id)));
                Assert.DoesNotContain(r.Plan.Migrations, m => problem.Unplaced.Any(v => v.Id == m.Vm));
            }
            if (greedy.IsSolved) Assert.True(cpsat.IsSolved, $"greedy solved seed {seed}, cpsat said {cpsat.Status}: {cpsat.Detail}");
            if (cpsat.Status == PlacementStatus.NoSolution) Assert.NotEmpty(UnplaceableReason.Explain(problem));
            cpsatSolved += cpsat.IsSolved ? 1 : 0;
            greedySolved += greedy.IsSolved ? 1 : 0;
            outcomes.Add($"{seed}: cpsat {cpsat.Status} ({cpsat.Detail}), greedy {greedy.Status} ({greedy.Detail})");
        }
        // Not vacuous: the checks above ran on this many solutions (seeded instances, each settled well within the limit).
        Assert.True((cpsatSolved, greedySolved) == (16, 4), $"({cpsatSolved}, {greedySolved}) solved\n" + string.Join("\n", outcomes));
    }

    /// <summary>
    /// 3 of the VMs become new ones (no host) and random constraints name them (and some running VMs); a third of
    /// the running VMs no constraint names, on nodes that stay online, are pinned, as if they were migrating.
    /// </summary>
    private static PlacementProblem WithNewVmsAndConstraints(PlacementProblem p, int seed)
    {
        var random = new Random(seed);
        var fresh = p.Vms.Select(v => v.Id).OrderBy(_ => random.Next()).Take(3).ToList();
        var ids = p.Vms.Select(v => v.Id).ToArray();
        var nodes = p.Nodes.Select(n => n.Name).ToArray();
        ImmutableArray<string> Some(string[] from, int count) => [.. from.OrderBy(_ => random.Next()).Take(count)];
        ImmutableArray<string> SomeNew(int count, params string[] others) => [.. fresh.OrderBy(_ => random.Next()).Take(count).Concat(others)];
        var constraints = new List<PlacementConstraint>
        {
            new Spread(SomeNew(3)),
            new Ban(SomeNew(1, Some(ids, 1)[0]), Some(nodes, 2)),
            new Fence(SomeNew(1), Some(nodes, 4)),
            new Latency(SomeNew(2), [[.. nodes.Take(3)], [.. nodes.Skip(3)]]),
        };
        if (random.Next(2) == 0) constraints.Add(new Gather(SomeNew(1, Some(ids, 1)[0])));
        if (random.Next(3) == 0) constraints.Add(new Offline(Some(nodes, 1)));
        if (random.Next(3) == 0) constraints.Add(new Lonely(SomeNew(1)));
        var named = constraints.SelectMany(c => c.VmIds).ToHashSet();
        var offline = constraints.OfType<Offline>().SelectMany(c => c.Nodes).ToHashSet();
        var vms = p.Vms.Select(v => fresh.Contains(v.Id)
            ? v with { Host = null }
            : v with { Pinned = random.Next(3) == 0 && !named.Contains(v.Id) && !offline.Contains(v.Host!) });
        return p with { Vms = [.. vms], Constraints = [.. constraints] };
    }
}
