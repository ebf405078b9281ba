using Discovery.Hypervisors;
using Discovery.Monitoring;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>
/// One VM's launch, start and removal on a node for the VE grain, each followed by the <see cref="VeRecord"/> step it
/// leads to (the transitions go to <paramref name="publish"/>) and by the VM grain's note of where the VM is.
/// </summary>
public sealed class VeNodeCalls(VeRecord ve, IGrainFactory grains, ILogger logger, Action<IReadOnlyList<VeTransition>> publish)
{
    /// <summary>Launches <paramref name="vm"/> (placed, no node yet) on <paramref name="node"/>; on failure it keeps no node and is placed again later.</summary>
    public async Task LaunchAsync(VeVm vm, string node)
    {
        await PlacedAsync(vm.Id, node);
        try
        {
            await Node(node).LaunchAsync(vm.Spec);
            publish(ve.VmStarted(vm.Id, node, "placed and started"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Someone took the room meanwhile, or the node did not answer: it stays without a node and is
            // placed again later. A launch that timed out may have started all the same: remove it there.
            // The tenant sees which node failed; the hypervisor's own text (host paths, daemon internals) goes to the log.
            var reason = HypervisorFailures.Report(logger, ve.Key, vm.Id, node, "start", e);
            if (e is not HypervisorException) await RemoveAsync(vm.Id, node, reason, vm.Restoring); // forgets the node too
            else
            {
                publish(ve.StartFailed(vm.Id, node, reason));
                await PlacedAsync(vm.Id, null);
            }
        }
    }

    /// <summary>Starts the VM on <paramref name="host"/>; when the node refuses, removes it there so that it is placed again. True when it runs.</summary>
    public async Task<bool> StartOrUnplaceAsync(string vmId, string host, string started, bool restoring)
    {
        try
        {
            await Node(host).StartVmAsync(vmId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RemoveAsync(vmId, host, HypervisorFailures.Report(logger, ve.Key, vmId, host, "start", e) + ": placed again", restoring);
            return false;
        }
        publish(ve.VmStarted(vmId, host, started));
        return true;
    }

    /// <summary>Tells the VM's grain where it is now (null: nowhere).</summary>
    public Task PlacedAsync(string vmId, string? host) => grains.GetGrain<IVmGrain>(vmId).PlacedAsync(host);

    /// <summary>
    /// Forgets where the VM was and removes it there, best effort: a node that cannot be
    /// reached now is marked down if it stays so, and its copy is destroyed when it comes back.
    /// </summary>
    private async Task RemoveAsync(string vmId, string host, string why, bool restoring)
    {
        try
        {
            await Node(host).RemoveVmAsync(vmId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("VE {Ve}: could not remove {Vm} from {Node} ({Message}); its copy goes when the node answers", ve.Key, ve.Find(vmId)?.Name, host, e.Message);
        }
        await PlacedAsync(vmId, null);
        publish(ve.VmUnplaced(vmId, host, why, restoring));
    }

    private INodeGrain Node(string node) => grains.GetGrain<INodeGrain>(node);
}
