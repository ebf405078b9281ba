using Discovery.Hypervisors;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>
/// What a tenant sees of a node's failure, and what operators see. libvirt's own text names host paths, devices and
/// daemon internals: it goes to the silo log with a numbered error id, and the VE's reason (on its event stream, seen by
/// its tenant) says only which node failed at what, with the same id.
/// </summary>
public static class HypervisorFailures
{
    private static long _lastId;

    /// <summary>
    /// Logs <paramref name="error"/> in full (structured: <c>ErrorId</c>, <c>Node</c>, <c>Vm</c>, <c>HypervisorError</c>) and returns the
    /// tenant's reason: "the hypervisor of node X could not <paramref name="action"/> the VM (error id N); operators have the details
    /// in the silo log", or "node X did not answer ..." when the call never reached its hypervisor.
    /// </summary>
    public static string Report(ILogger logger, string ve, string? vm, string node, string action, Exception error)
    {
        var id = Interlocked.Increment(ref _lastId);
        var full = error is HypervisorException h ? $"{h.Kind}: {error.Message}" : $"{error.GetType().Name}: {error.Message}";
        logger.LogWarning("VE {Ve}: {Action} {Vm} on {Node} failed (error id {ErrorId}): {HypervisorError}", ve, action, vm ?? "(VE)", node, id, full);
        return error is HypervisorException
            ? $"the hypervisor of node {node} could not {action} the VM (error id {id}); operators have the details in the silo log"
            : $"node {node} did not answer when asked to {action} the VM (error id {id}); operators have the details in the silo log";
    }
}
