using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class LonelyTests
{
    private static readonly Lonely A = new(["a"]);

    [Fact]
    public void Checker_reports_a_neighbour_and_landings_on_either_side()
    {
        Assert.Equal(["lonely: VM 'c' shares node 'n2' with the lonely VMs"], Final(A, State(("a", "n2"), ("c", "n2"))));
        Assert.Empty(Final(A, State(("a", "n1"), ("c", "n2"))));
        var during = State(("a", "n1"), ("c", "n2"));
        Assert.Equal(["lonely: VM 'a' migrates onto 'n2' where 'c' is"], Landing(A, during, "a", "n2", State(("a", "n2"), ("c", "n3"))));
        Assert.Equal(["lonely: VM 'c' migrates onto 'n1', which hosts lonely VMs"], Landing(A, during, "c", "n1", State(("a", "n3"), ("c", "n1"))));
        Assert.Empty(Landing(A, during, "a", "n3", State(("a", "n3"), ("c", "n2"))));
    }

    [Fact]
    public void Encoding_keeps_the_lonely_vm_alone()
    {
        Assert.NotEmpty(Final(A, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(A)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        // Half the time the VMs of one node (the generator puts vm4k..vm4k+3 on node k): already
        // alone, which the greedy can keep; otherwise two random VMs, which the greedy cannot place
        // (it never evicts non-members to free a node), but CP-SAT can.
        Agreement((vms, nodes, r) => r.Next(2) == 0 ? new Lonely([.. vms.Skip(4 * r.Next(nodes.Length)).Take(4)]) : new Lonely(Some(vms, 2, r)),
            solved: (15, 8), targetLoad: 0.7);
}
