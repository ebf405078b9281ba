using Discovery.Constraints;
using Discovery.Language;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Language;

/// <summary>The VE language: the seed's Plasma example compiles and is placed; every error is reported with its position.</summary>
public sealed class VeCompilerTests
{
    private static readonly HashSet<string> SeedNodes = [.. Enumerable.Range(1, 11).Select(i => $"WN{i}"), "SN1"];

    /// <summary>The seed's example as written, after the declarations of its VMs and of $A1 (which the slide leaves out).</summary>
    internal const string Seed = """
        // The VMs and the application (not on the slide)
        VM[1..9] : small;
        $A1 = $ALL_VMS;

        // Infrastructure
        $R1 = {WN1 ,WN2 ,WN3 ,WN4 };
        $R2 = WN [5..8];
        $R3 = WN [9..11] + {SN1 };

        // Classes of latency
        $small = {$R3 };
        $medium = $R [1..3];

        // Constraints
        ban ( $ALL_VMS ,{SN1 } );
        ban ( $ALL_VMS ,{WN5 } );
        fence ($A1 ,$R2 + $R3 );

        // The 3 tiers
        $T1 = {VM1 ,VM2 ,VM3 };
        $T2 = VM [4..7];
        $T3 = VM [8..9];

        /* Fault tolerance to hw. failures */
        spread($T1);
        spread($T2);
        spread($T3);

        // Efficient synchronization
        latency ($T3 , $small );
        """;

    private static string[] Vms(params int[] ids) => [.. ids.Select(i => $"VM{i}")];

    [Fact]
    public void The_seed_s_example_compiles_to_its_constraints_and_is_placed_with_every_one_holding()
    {
        var result = VeCompiler.Compile(Seed, "seed.ve", "app", SeedNodes);

        Assert.Empty(result.Errors);
        var ve = result.Ve!;
        Assert.Equal(Enumerable.Range(1, 9).Select(i => new VmSpec($"VM{i}", 1, 1024, "debian-12", 100)), ve.Vms.AsEnumerable());
        var all = Vms(1, 2, 3, 4, 5, 6, 7, 8, 9);
        Assert.Equal<PlacementConstraint>([
            new Ban([.. all], ["SN1"]),
            new Ban([.. all], ["WN5"]),
            new Fence([.. all], ["WN5", "WN6", "WN7", "WN8", "WN9", "WN10", "WN11", "SN1"]),
            new Spread([.. Vms(1, 2, 3)]),
            new Spread([.. Vms(4, 5, 6, 7)]),
            new Spread([.. Vms(8, 9)]),
            new Latency([.. Vms(8, 9)], [["WN9", "WN10", "WN11", "SN1"]]),
        ], ve.Constraints, new ConstraintComparer());

        // Placed on WN1..WN11 and SN1 (8 cores, 32 GiB each) by the engine, checked by the independent checker.
        var problem = new PlacementProblem([.. SeedNodes.Order().Select(n => new PlacementNode(n, Resources.OfCores(8, 32768)))],
            [.. ve.Vms.Select(v => new PlacementVm(v.Id, new Resources(v.MaxCpuDemand, v.MemoryMiB), null))], ve.Constraints);
        var placed = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);
        Assert.True(placed.IsSolved, placed.Detail);
        Assert.Empty(PlacementChecker.CheckPlan(problem, placed.Target, placed.Plan));
        Assert.All(placed.Target.Values, n => Assert.Contains(n, new[] { "WN6", "WN7", "WN8", "WN9", "WN10", "WN11" }));
    }

    [Fact]
    public void Explicit_declarations_templates_and_set_operations()
    {
        var result = VeCompiler.Compile("""
            db1 : {vcpus: 4, memory: 8GiB, image: "postgres-16"};
            web[1..3] : medium; cache-1 : tiny;
            $front = web[1..3] - {web2};
            gather($front + {cache-1});
            lonely({db1});
            offline({n9});
            """, "x.ve", "shop");
        Assert.Empty(result.Errors);
        Assert.Equal([new VmSpec("db1", 4, 8192, "postgres-16", 400), new VmSpec("web1", 2, 4096, "debian-12", 200), new VmSpec("web2", 2, 4096, "debian-12", 200),
            new VmSpec("web3", 2, 4096, "debian-12", 200), new VmSpec("cache-1", 1, 512, "debian-12", 100)], result.Ve!.Vms.AsEnumerable());
        Assert.Equal<PlacementConstraint>([new Gather(["web1", "web3", "cache-1"]), new Lonely(["db1"]), new Offline(["n9"])], result.Ve.Constraints, new ConstraintComparer());
    }

    public static TheoryData<string, string[]> Malformed() => new()
    {
        { "web1 : small", ["t.ve:1:13: expected ';' after the declaration, found the end of the file"] },
        { "web1 : huge;", ["t.ve:1:1: unknown template 'huge': expected one of tiny, small, medium, large or {vcpus: N, memory: SIZE, image: \"NAME\"}"] },
        { "web1 : small;\nspread($T9);", ["t.ve:2:8: undefined variable $T9"] },
        { "web1 : small;\nspread({web1, web7});", ["t.ve:2:8: spread: undeclared VM web7"] },
        { "web[3..1] : small;", ["t.ve:1:1: range web[3..1] is reversed: write web[1..3]"] },
        { "web1 : small;\nweb1 : tiny;", ["t.ve:2:1: VM web1 is already declared at 1:1"] },
        { "web1 : small;\nban({web1}, {WN99});", ["t.ve:2:13: ban: unknown node WN99"] },
        { "web1 : small;\nfence({web1}, {web1});", ["t.ve:2:15: fence: web1 is a VM, expected nodes"] },
        { "web1 : small;\nsprad({web1});", ["t.ve:2:1: unknown constraint 'sprad': expected ban, fence, spread, latency, gather, lonely or offline"] },
        { "web1 : small;\nban({web1});", ["t.ve:2:1: ban takes 2 arguments ban(VMs, nodes), got 1"] },
        { "web1 : {vcpus: 0, memory: 1GiB};", ["t.ve:1:9: vcpus must be a positive number, got '0'"] },
        { "web1 : {vcpus: 2, memory: 4GB};", ["t.ve:1:27: unknown unit 'GB' after 4: expected MiB, GiB or TiB", "t.ve:1:30: expected a number, a size (8GiB), a percentage (50%) or a \"string\" for memory, found '}'"] },
        { "web1 : {vcpus: 2};", ["t.ve:1:1: missing property memory"] },
        { "web1 : small; /* never closed", ["t.ve:1:15: comment '/*' is never closed: expected '*/'"] },
        { "web1 : small;\n$x = {web1,;\nspread({web1}) \n$y = {web1};", [
            "t.ve:2:12: expected a set: '{...}', a $variable, a name or a range like VM[1..3], found ';'",
            "t.ve:4:1: expected ';' after spread(...), found '$y'"] },
        { "web1 : small;\nlatency({web1}, {WN1, WN2});", ["t.ve:2:17: latency: expected a set of node groups such as {{N1, N2}, {N3}} or {$R1, $R2}"] },
        { "", ["t.ve:1:1: a VE needs at least one VM: declare one, e.g. 'web1 : small;'"] },
        { "web1 : small; # oops", ["t.ve:1:15: unexpected character '#'", "t.ve:1:21: expected ':' and a template or {properties} after oops (or '=' after a $variable, '(' after a constraint), found the end of the file"] },
        { "$ALL_VMS = {a};\nweb1 : small;", ["t.ve:1:1: $ALL_VMS is every VM of the VE: it cannot be assigned"] },
        { "web1 : small;\nspread($R[1..2]);", ["t.ve:2:8: undefined variable $R1 (in $R[1..2])"] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: 150%};", ["t.ve:1:33: cpu must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '150%'"] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: 50};", ["t.ve:1:33: cpu must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '50'"] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: -1%};", ["t.ve:1:33: cpu must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '-1%'"] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: \"50%\"};", ["t.ve:1:33: cpu must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got \"50%\""] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: 100.01%};", ["t.ve:1:33: cpu must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got '100.01%'"] },
        { "web1 : {vcpus: 2, memory: 1GiB, cpu: 1.5};", [
            "t.ve:1:38: number 1.5 has decimals: only a percentage such as 12.5% may",
            "t.ve:1:41: expected a number, a size (8GiB), a percentage (50%) or a \"string\" for cpu, found '}'"] },
        { "web1 : {vcpus: -1, memory: 1GiB};", ["t.ve:1:9: vcpus must be a positive number, got '-1'"] },
        { "web1 : {vcpus: 2, memory: 1GiB, gpu: 1};", ["t.ve:1:33: unknown VM property 'gpu': expected vcpus, memory, cpu or image"] },
        { "web1 : {image: \"x};", ["t.ve:1:16: string is never closed: expected '\"' before the end of the line", "t.ve:1:20: expected a number, a size (8GiB), a percentage (50%) or a \"string\" for image, found the end of the file"] },
    };

    public static TheoryData<string, int> CpuDeclarations() => new()
    {
        { "db1 : {vcpus: 4, memory: 8GiB, cpu: 25%};", 100 },
        { "db1 : {vcpus: 2, memory: 1GiB, cpu: 50%};", 100 },
        { "db1 : {vcpus: 2, memory: 1GiB, cpu: 0%};", 0 },
        { "db1 : {vcpus: 2, memory: 1GiB, cpu: 100%};", 200 },
        { "db1 : {cpu: 75%, vcpus: 4, memory: 1GiB};", 300 },      // cpu before vcpus
        { "db1 : {vcpus: 3, memory: 1GiB, cpu: 33.33%};", 100 },   // 99.99 hundredths, to the nearest
        { "db1 : {vcpus: 1, memory: 1GiB, cpu: 12.5%};", 13 },     // 12.5: halves away from zero
        { "db1 : {vcpus: 1, memory: 1GiB, cpu: 12.49%};", 12 },
        { "db1 : {vcpus: 2, memory: 1GiB};", 200 },                // no cpu: all its vCPUs
        { "db1 : medium;", 200 },                                  // a template: all its vCPUs
        { "db1 : tiny;", 100 },
    };

    [Theory, MemberData(nameof(CpuDeclarations))]
    public void A_vm_s_cpu_is_its_expected_demand_in_hundredths_of_a_core_and_all_its_vcpus_without_it(string text, int demand)
    {
        var result = VeCompiler.Compile(text, "cpu.ve", "ve");
        Assert.Empty(result.Errors);
        Assert.Equal(demand, Assert.Single(result.Ve!.Vms).CpuDemand);
    }

    [Theory, MemberData(nameof(Malformed))]
    public void Every_error_is_reported_with_its_line_column_and_what_was_expected(string text, string[] expected)
    {
        var result = VeCompiler.Compile(text, "t.ve", "ve", SeedNodes);
        Assert.Null(result.Ve);
        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void The_seed_s_infrastructure_compiles_to_its_nodes_and_its_errors_are_reported()
    {
        var infra = InfrastructureCompiler.Compile("""
            // The seed's nodes
            WN[1..11] : {cores: 8, memory: 32GiB, site: "rennes"};
            SN1 : {cores: 16, memory: 65536};
            """, "seed.infra");
        Assert.Empty(infra.Errors);
        Assert.Equal([.. Enumerable.Range(1, 11).Select(i => new InfrastructureNode($"WN{i}", Resources.OfCores(8, 32768), "rennes")),
            new InfrastructureNode("SN1", Resources.OfCores(16, 65536), "local")], infra.Nodes.AsEnumerable());

        var bad = InfrastructureCompiler.Compile("WN1 : small;\nWN2 : {cores: 8};\nWN3 : {cores: 4, memory: 8GiB, gpu: 1};\nspread({WN1});\n$x = {WN1};\nWN2 : {cores: 1, memory: 1GiB};", "bad.infra");
        Assert.Equal([
            "bad.infra:1:1: nodes are declared with {cores: N, memory: SIZE, site: \"NAME\"}, not a template ('small')",
            "bad.infra:2:1: missing property memory",
            "bad.infra:3:32: unknown node property 'gpu': expected cores, memory or site",
            "bad.infra:4:1: constraints such as spread(...) belong in VE files, not in an infrastructure file",
            "bad.infra:5:1: variables such as $x belong in VE files: an infrastructure file declares nodes",
        ], bad.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_spread_its_constraints_leave_too_few_nodes_for_can_never_hold()
    {
        var result = VeCompiler.Compile("VM[1..3] : small;\nfence(VM[1..3], {WN1, WN2, SN1});\nban({VM1, VM2, VM3}, {SN1});\nspread(VM[1..3]);", "s.ve", "s", SeedNodes);
        Assert.Equal(["s.ve:4:1: spread of 3 VMs can never hold: their constraints leave them 2 node(s) (WN1, WN2)"], result.Errors.Select(e => e.ToString()));
        Assert.True(VeCompiler.Compile("VM[1..3] : small;\nfence(VM[1..3], {WN1, WN2, SN1});\nspread(VM[1..3]);", "s.ve", "s", SeedNodes).Succeeded);
    }

    /// <summary>Constraints hold immutable arrays, which records compare by reference: compare by content.</summary>
    private sealed class ConstraintComparer : IEqualityComparer<PlacementConstraint>
    {
        public bool Equals(PlacementConstraint? x, PlacementConstraint? y) =>
            x is not null && y is not null && x.Name == y.Name && x.VmIds.SequenceEqual(y.VmIds) &&
            Groups(x).SequenceEqual(Groups(y));

        private static IEnumerable<string> Groups(PlacementConstraint c) =>
            c is Latency l ? l.Groups.Select(g => string.Join(",", g)) : [string.Join(",", c.NodeNames)];

        public int GetHashCode(PlacementConstraint obj) => obj.Name.GetHashCode();
    }
}
