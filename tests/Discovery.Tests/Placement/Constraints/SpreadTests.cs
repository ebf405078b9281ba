using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class SpreadTests
{
    private static readonly Spread AC = new(["a", "c"]);

    [Fact]
    public void Checker_reports_members_sharing_a_node_and_a_landing_next_to_one()
    {
        Assert.Equal(["spread: VMs 'a', 'c' share node 'n2'"], Final(AC, State(("c", "n2"), ("a", "n2"), ("b", "n2"))));
        Assert.Empty(Final(AC, State(("a", "n1"), ("c", "n2"), ("b", "n1"))));
        // Continuous: c still holds n2 while a lands there, even though c ends elsewhere.
        var during = State(("a", "n1"), ("c", "n2"));
        Assert.Equal(["spread: VM 'a' migrates onto 'n2' where 'c' is"], Landing(AC, during, "a", "n2", State(("a", "n2"), ("c", "n3"))));
        Assert.Empty(Landing(AC, during, "a", "n3", State(("a", "n3"), ("c", "n2"))));
    }

    [Fact]
    public void Encoding_moves_another_vm_when_the_cheapest_move_joins_a_member()
    {
        Assert.NotEmpty(Final(AC, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(AC)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Spread(Some(vms, 3, r)), solved: (19, 9));
}
