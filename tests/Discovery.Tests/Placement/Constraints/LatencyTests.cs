using Discovery.Constraints;
using static Discovery.Tests.Placement.Constraints.ConstraintScenario;

namespace Discovery.Tests.Placement.Constraints;

public sealed class LatencyTests
{
    // Groups are sites: {n1, n3} and {n2}.
    private static readonly Latency AD = new(["a", "d"], [["n1", "n3"], ["n2"]]);

    [Fact]
    public void Checker_reports_members_across_groups_and_a_landing_outside_the_final_group()
    {
        Assert.Equal(["latency: VMs latency(a,d) are on n2, n3, not within one node group"], Final(AD, State(("a", "n2"), ("d", "n3"))));
        Assert.Empty(Final(AD, State(("a", "n1"), ("d", "n3"))));
        var during = State(("a", "n1"), ("d", "n3"));
        var final = State(("a", "n3"), ("d", "n3"));
        Assert.Equal(["latency: VM 'a' migrates onto 'n2', outside the node group its VE ends in"], Landing(AD, during, "a", "n2", final));
        Assert.Empty(Landing(AD, during, "a", "n3", final));
    }

    [Fact]
    public void Encoding_keeps_the_members_in_one_group()
    {
        Assert.NotEmpty(Final(AD, State(Unconstrained)));
        Assert.Equal(BMoves, CpSat(Overloaded(AD)));
    }

    [Fact]
    public void Solvers_agree_with_the_checker_on_random_instances() =>
        Agreement((vms, nodes, r) => new Latency(Some(vms, 2, r), [[.. nodes.Take(3)], [.. nodes.Skip(3)]]), solved: (19, 8));
}
