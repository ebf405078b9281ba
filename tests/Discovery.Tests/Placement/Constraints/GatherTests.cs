using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class GatherTests
{
    private static readonly Gather BC = new(["b", "c"]);

    [Fact]
    public void Checker_reports_members_on_several_nodes_and_a_landing_off_the_group_node()
    {
        Assert.Equal(["gather: VMs gather(b,c) are on 2 nodes (n1, n2)"], Final(BC, State(("b", "n1"), ("c", "n2"))));
        Assert.Empty(Final(BC, State(("b", "n2"), ("c", "n2"), ("a", "n1"))));
        var during = State(("b", "n1"), ("c", "n2"));
        Assert.Equal(["gather: VM 'b' migrates onto 'n3', not its group's node"], Landing(BC, during, "b", "n3", State(("b", "n2"), ("c", "n2"))));
        Assert.Empty(Landing(BC, during, "b", "n2", State(("b", "n2"), ("c", "n2"))));
    }

    [Fact]
    public void Encoding_brings_the_members_together()
    {
        Assert.NotEmpty(Final(BC, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(BC)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Gather(Some(vms, 2, r)), solved: (17, 6));
}
