namespace Discovery.Environments;

/// <summary>Receives VE and VM transitions and scheduling events from the <see cref="IEventHubGrain"/> (best effort: an observer on a lost connection misses events).</summary>
[Alias("discovery.IVeEventObserver")]
public interface IVeEventObserver : IGrainObserver
{
    /// <summary>One transition.</summary>
    [Alias("OnTransition")]
    void OnTransition(VeTransition transition);

    /// <summary>One DVMS partition ended.</summary>
    [Alias("OnPartition")]
    void OnPartition(Scheduling.PartitionNotice notice);

    /// <summary>One audited call (operators only).</summary>
    [Alias("OnAudit")]
    void OnAudit(Security.AuditEntry entry);
}
