using Orleans.Concurrency;

namespace Discovery.Monitoring;

/// <summary>The node's role in plan execution: it migrates its own VMs through its hypervisor.</summary>
[Alias("discovery.IMigrationSource")]
public interface IMigrationSource : IGrainWithStringKey
{
    /// <summary>Migrates a VM of this node to <paramref name="destination"/>; completes when it has landed.</summary>
    [Alias("Migrate"), AlwaysInterleave, ResponseTimeout("00:10:00")] // the destination may fetch the base first, then the overlay's blocks cross
    Task<TimeSpan> MigrateAsync(string vmId, string destination);
}
