using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Model;

namespace Discovery.Monitoring;

/// <summary>A node's grain: a thin shell over its hypervisor adapter.</summary>
public sealed class NodeGrain(HypervisorDirectory directory, TimeProvider time) : Grain, INodeGrain
{
    private string Node => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<NodeSnapshot> GetSnapshotAsync()
    {
        var hypervisor = directory.Get(Node);
        var host = await hypervisor.GetHostInfoAsync();
        var vms = await hypervisor.ListVmsAsync();
        return new NodeSnapshot(Node, directory.SiteOf(Node), host.Capacity,
            [.. vms.Select(v => v.ToSnapshot(Node))], Maintenance: false, time.GetUtcNow());
    }
}
