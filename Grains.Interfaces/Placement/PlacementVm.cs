using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// A VM of a placement problem: its current demand and host. A pinned VM stays where it is
/// (e.g. it is migrating already, or it belongs to another partition's plan). A VM without a
/// host (<see cref="Host"/> null) is not placed yet, e.g. a VM of a VE being submitted: the
/// solver chooses its node, and it is started there after the plan's migrations.
/// </summary>
/// <param name="Id">The VM's identifier.</param>
/// <param name="Demand">What the VM needs: CPU (hundredths of a core) and memory.</param>
/// <param name="Host">The node the VM runs on now, or null when it is not placed yet.</param>
/// <param name="Pinned">True when the VM must stay on its host (never for an unplaced VM).</param>
/// <param name="ExpectedCpu">
/// For a VM not placed yet whose <paramref name="Demand"/> is an allocation: the CPU it is expected to use. The
/// solver prefers the nodes whose <see cref="PlacementNode.LiveCpuFree"/> leaves the most room for it.
/// </param>
/// <param name="Image">The image the VM boots: landing on a node that lacks it costs that node's <see cref="PlacementNode.FetchSeconds"/>.</param>
[GenerateSerializer, Immutable, Alias("discovery.placement.vm")]
public sealed record PlacementVm(
    [property: Id(0)] string Id,
    [property: Id(1)] Resources Demand,
    [property: Id(2)] string? Host,
    [property: Id(3)] bool Pinned = false,
    [property: Id(4)] int? ExpectedCpu = null,
    [property: Id(5)] string? Image = null);
