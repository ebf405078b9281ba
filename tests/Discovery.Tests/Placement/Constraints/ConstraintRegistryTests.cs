using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Discovery.Validation;

namespace Discovery.Tests.Placement.Constraints;

/// <summary>A constraint type nobody mapped is refused by every consumer, never silently ignored.</summary>
public sealed class ConstraintRegistryTests
{
    private sealed record Unknown(ImmutableArray<string> Vms) : PlacementConstraint
    {
        public override string Name => "unknown";
        public override ImmutableArray<string> VmIds => Vms;
        public override IEnumerable<string> NodeNames => [];
        public override PlacementConstraint RenameVms(Func<string, string> rename) => this with { Vms = [.. Vms.Select(rename)] };
    }

    private const string Refusal = "No implementation mapped to 'Unknown'";

    private static PlacementProblem Problem() =>
        new Problems().Node("n1").Node("n2").Vm("a", "n1", 300).Vm("b", "n1", 300).With(new Unknown(["a"])).Build();

    private static readonly Dictionary<string, string> Target = new() { ["a"] = "n2", ["b"] = "n1" };

    [Fact]
    public void CpSat_refuses_it() =>
        Assert.Equal(Refusal, Assert.Throws<NotSupportedException>(() => new CpSatPlacementSolver().Solve(Problem(), SolverOptions.Default)).Message);

    [Fact]
    public void Greedy_refuses_it() =>
        Assert.Equal(Refusal, Assert.Throws<NotSupportedException>(() => new GreedyPlacementSolver().Solve(Problem(), SolverOptions.Default)).Message);

    [Fact]
    public void PlanBuilder_refuses_it() =>
        Assert.Equal(Refusal, Assert.Throws<NotSupportedException>(() => PlanBuilder.Build(Problem(), Target)).Message);

    [Fact]
    public void Checker_refuses_it()
    {
        Assert.Equal(Refusal, Assert.Throws<NotSupportedException>(() => PlacementChecker.CheckPlacement(Problem(), Target)).Message);
        Assert.Equal(Refusal, Assert.Throws<NotSupportedException>(() => PlacementChecker.CheckPlan(Problem(), Target, MigrationPlan.Empty)).Message);
    }

    [Fact]
    public void Validator_reports_it_as_a_problem()
    {
        var spec = new VeSpec("ve", [new VmSpec("a", 2, 1024, "img")], [new Unknown(["a"])]);
        Assert.Equal(["constraints[0](unknown): " + Refusal], VeSpecValidator.Validate(spec).Select(p => p.ToString()));
    }
}
