using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Placement;
using Microsoft.Extensions.Logging;

namespace Discovery.Images;

/// <summary>
/// Puts the catalogue's fetch estimates into a placement problem: on each node, the seconds to bring there each image
/// the problem's VMs boot (<see cref="PlacementNode.FetchSeconds"/>), so that the solver prefers the nodes and PoPs that
/// hold a VM's image, for a new VM (admission) as for a migration (DVMS). Used by <c>VePlacer</c> and partitions.
/// </summary>
public static class ImageFetchCosts
{
    /// <summary>
    /// <paramref name="problem"/> with the fetch estimates of its VMs' images (<see cref="PlacementVm.Image"/>) on its nodes
    /// (<paramref name="sites"/>: node to PoP). Without an answer from the catalogue the problem stays as it was: placing
    /// matters more than placing near the image.
    /// </summary>
    public static async Task<PlacementProblem> AddAsync(IGrainFactory grains, PlacementProblem problem, IReadOnlyDictionary<string, string> sites,
        ILogger logger, string context)
    {
        var images = problem.Vms.Select(v => v.Image).OfType<string>().Distinct(StringComparer.Ordinal).ToImmutableArray();
        if (images.IsEmpty) return problem;
        ImmutableDictionary<string, ImmutableDictionary<string, int>> seconds;
        try
        {
            var nodes = problem.Nodes.Where(n => sites.ContainsKey(n.Name)).ToImmutableDictionary(n => n.Name, n => sites[n.Name], StringComparer.Ordinal);
            seconds = await grains.ImageCatalog().FetchSecondsAsync(images, nodes).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("{Context}: no image fetch estimate ({Message}); placing without it", context, e.Message);
            return problem;
        }
        return problem with
        {
            Nodes = [.. problem.Nodes.Select(n => seconds.TryGetValue(n.Name, out var s) && s.Values.Any(x => x > 0) ? n with { FetchSeconds = s } : n)],
        };
    }
}
