using Discovery.Model;

namespace Discovery.Grains;

/// <summary>
/// One physical machine (key: node name): the seed's LRT monitoring layer. Reads its
/// hypervisor and reports what it hosts.
/// </summary>
[Alias("discovery.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Capacity, hosted VMs and their current demand, read from the hypervisor now.</summary>
    [Alias("GetSnapshot")]
    Task<NodeSnapshot> GetSnapshotAsync();
}
