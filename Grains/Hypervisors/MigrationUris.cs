namespace Discovery.Hypervisors;

/// <summary>
/// The libvirt migration URI this silo's configuration gives for each node, its own and other silos'. A remote node
/// publishes the URI a source daemon connects to; taken as is, whoever can answer for that node (or rewrite what it
/// publishes) would receive a guest's memory. A migration goes to a published URI only when it is the configured one.
/// </summary>
public sealed class MigrationUris(IReadOnlyDictionary<string, string> configured)
{
    /// <summary>No URI configured: every published URI is refused (a simulated hand-over publishes none and needs none).</summary>
    public static MigrationUris None { get; } = new(new Dictionary<string, string>());

    /// <summary>Why a migration to <paramref name="node"/> may not go to the URI it <paramref name="published"/>; null when it may.</summary>
    public string? Refusal(string node, string? published)
    {
        if (published is null) return null; // nothing to connect to: the VM is handed over through the node's grain
        if (!configured.TryGetValue(node, out var expected))
            return $"node {node} publishes the migration URI '{published}', but this silo's configuration gives none for it (set Discovery:Libvirt:MigrationUris:{node})";
        return string.Equals(expected, published, StringComparison.Ordinal) ? null
            : $"node {node} publishes the migration URI '{published}', not '{expected}' as Discovery:Libvirt:MigrationUris:{node} gives";
    }
}
