namespace Discovery.Environments;

/// <summary>What the cluster's event hub allows (<c>Discovery:Events</c> on a silo).</summary>
public sealed record EventHubLimits
{
    /// <summary>Watchers (clients, <c>/api/events</c> streams, <c>discovery watch</c>) subscribed at once; the next is refused until one leaves or expires.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxWatchers { get; init; } = 1000;
}
