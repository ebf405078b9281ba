using Discovery.Hypervisors;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Discovery.Hosting;

/// <summary>
/// The local silo when its directory knows the node; otherwise the compatible silo whose metadata
/// lists it; otherwise the local silo: there the grain either refuses (a live silo drives the node but
/// its metadata had not reached this one: the next call places it again) or, with no live silo to
/// drive the node, stands in for it and reports it unreachable until its silo returns.
/// </summary>
internal sealed class HomeSiloPlacementDirector(HypervisorDirectory directory, NodeHomes homes) : IPlacementDirector
{

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var node = target.GrainIdentity.Key.ToString() ?? "";
        var silos = context.GetCompatibleSilos(target);
        if (directory.Contains(node) && silos.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        foreach (var silo in silos)
            if (homes.Drives(silo, node)) return Task.FromResult(silo);
        return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[Random.Shared.Next(silos.Length)]);
    }
}
