using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class OfflineTests
{
    private static readonly Offline N2 = new(["n2"]);

    [Fact]
    public void Checker_reports_a_vm_left_on_the_node_and_a_landing_on_it()
    {
        Assert.Equal(["offline: node 'n2' still hosts VM 'c'"], Final(N2, State(("a", "n1"), ("c", "n2"))));
        Assert.Empty(Final(N2, State(("a", "n1"), ("c", "n3"))));
        var during = State(("a", "n1"));
        Assert.Equal(["offline: VM 'a' migrates onto offline node 'n2'"], Landing(N2, during, "a", "n2", State(("a", "n2"))));
        Assert.Empty(Landing(N2, during, "a", "n3", State(("a", "n3"))));
    }

    [Fact]
    public void Encoding_empties_the_node_onto_the_only_one_with_room()
    {
        // Viable as it stands, so unconstrained nothing moves; n3 is nearly full, so c can only go to n1.
        var problem = new Problems().Node("n1").Node("n2").Node("n3")
            .Vm("a", "n1", 100).Vm("c", "n2", 100).Vm("d", "n3", 350);
        Assert.Equal("n2", CpSat(problem.Build())["c"]);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "n1", ["c"] = "n1", ["d"] = "n3" }, CpSat(problem.With(N2).Build()));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Offline(Some(nodes, 1, r)), solved: (20, 16), targetLoad: 0.7); // five nodes must carry six nodes' load
}
