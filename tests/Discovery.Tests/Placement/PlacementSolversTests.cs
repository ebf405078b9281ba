using Discovery.Placement;

namespace Discovery.Tests.Placement;

public sealed class PlacementSolversTests
{
    [Theory]
    [InlineData(SolverKind.CpSat, "cpsat")]
    [InlineData(SolverKind.Greedy, "greedy")]
    public void Each_kind_has_its_solver(SolverKind kind, string name)
    {
        var solver = PlacementSolvers.For(kind);
        Assert.Equal(kind, solver.Kind);
        Assert.Equal(name, solver.Name);
    }

    [Fact]
    public void An_undefined_kind_is_refused() =>
        Assert.Throws<ArgumentException>(() => PlacementSolvers.For((SolverKind)42));
}
