using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class BanTests
{
    private static readonly Ban AOffN2 = new(["a"], ["n2"]);

    [Fact]
    public void Checker_reports_a_banned_host_and_a_landing_on_one()
    {
        Assert.Equal(["ban: VM 'a' is on banned node 'n2'"], Final(AOffN2, State(("a", "n2"), ("b", "n1"))));
        Assert.Empty(Final(AOffN2, State(("a", "n1"), ("b", "n2"))));
        var during = State(("a", "n1"));
        Assert.Equal(["ban: VM 'a' migrates onto banned node 'n2'"], Landing(AOffN2, during, "a", "n2", State(("a", "n2"))));
        Assert.Empty(Landing(AOffN2, during, "a", "n3", State(("a", "n3"))));
    }

    [Fact]
    public void Encoding_moves_another_vm_when_the_cheapest_move_lands_on_a_banned_node()
    {
        Assert.NotEmpty(Final(AOffN2, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(AOffN2)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Ban(Some(vms, 2, r), Some(nodes, 2, r)), solved: (19, 6));
}
