namespace Discovery.Environments;

/// <summary>The event hub refused a new watcher: it has as many as it allows (each costs the hub a callback per event).</summary>
[GenerateSerializer, Alias("discovery.watch.refused")]
public sealed class WatchRefusedException : InvalidOperationException
{
    /// <summary>A refusal saying why.</summary>
    public WatchRefusedException(string message) : base(message) { }
}
