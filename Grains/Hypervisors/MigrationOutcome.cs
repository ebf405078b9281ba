namespace Discovery.Hypervisors;

/// <summary>How a migration was carried out.</summary>
public enum MigrationMode
{
    /// <summary>Live migration by the hypervisor (the guest keeps running).</summary>
    Live,
    /// <summary>The driver cannot migrate: defined on the destination, then undefined on the source (the guest restarts).</summary>
    RedefineFallback,
}

/// <summary>Result of <see cref="IHypervisor.MigrateAsync"/>.</summary>
public sealed record MigrationOutcome(string VmId, string From, string To, MigrationMode Mode, TimeSpan Duration);
