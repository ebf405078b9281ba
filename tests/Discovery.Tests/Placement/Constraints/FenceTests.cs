using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class FenceTests
{
    private static readonly Fence AInN1N3 = new(["a"], ["n1", "n3"]);

    [Fact]
    public void Checker_reports_a_host_outside_the_fence_and_a_landing_outside_it()
    {
        Assert.Equal(["fence: VM 'a' is on 'n2', outside its fence"], Final(AInN1N3, State(("a", "n2"), ("b", "n1"))));
        Assert.Empty(Final(AInN1N3, State(("a", "n3"), ("b", "n2"))));
        var during = State(("a", "n1"));
        Assert.Equal(["fence: VM 'a' migrates onto 'n2', outside its fence"], Landing(AInN1N3, during, "a", "n2", State(("a", "n2"))));
        Assert.Empty(Landing(AInN1N3, during, "a", "n3", State(("a", "n3"))));
    }

    [Fact]
    public void Encoding_moves_another_vm_when_the_cheapest_move_leaves_the_fence()
    {
        Assert.NotEmpty(Final(AInN1N3, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(AInN1N3)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Fence(Some(vms, 2, r), Some(nodes, 3, r)), solved: (19, 9));
}
