using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;

namespace Discovery.Tests.Placement;

/// <summary>Small hand-made problems: nodes of 4 cores / 8 GiB unless told otherwise.</summary>
internal sealed class Problems
{
    private readonly List<PlacementNode> _nodes = [];
    private readonly List<PlacementVm> _vms = [];
    private readonly List<PlacementConstraint> _constraints = [];

    public Problems Node(string name, int cores = 4, int memoryMiB = 8192)
    {
        _nodes.Add(new PlacementNode(name, Resources.OfCores(cores, memoryMiB)));
        return this;
    }

    public Problems Vm(string id, string host, int cpu, int memoryMiB = 1024, bool pinned = false)
    {
        _vms.Add(new PlacementVm(id, new Resources(cpu, memoryMiB), host, pinned));
        return this;
    }

    /// <summary>A VM not placed yet (e.g. of a VE being submitted): the solver chooses its node.</summary>
    public Problems New(string id, int cpu, int memoryMiB = 1024)
    {
        _vms.Add(new PlacementVm(id, new Resources(cpu, memoryMiB), Host: null));
        return this;
    }

    public Problems With(PlacementConstraint c)
    {
        _constraints.Add(c);
        return this;
    }

    public PlacementProblem Build() => new([.. _nodes], [.. _vms], [.. _constraints]);

    public static ImmutableArray<string> Of(params string[] names) => [.. names];
}
