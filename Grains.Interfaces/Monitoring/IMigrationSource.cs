using Orleans.Concurrency;

namespace Discovery.Monitoring;

/// <summary>The node's role in plan execution: it migrates its own VMs through its hypervisor.</summary>
[Alias("discovery.IMigrationSource")]
public interface IMigrationSource : IGrainWithStringKey
{
    /// <summary>Migrates a VM of this node to <paramref name="destination"/>; completes when it has landed.</summary>
    [Alias("Migrate"), AlwaysInterleave]
    Task<TimeSpan> MigrateAsync(string vmId, string destination);
}
