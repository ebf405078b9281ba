namespace Discovery.Hypervisors;

/// <summary>
/// A hypervisor operation failed; says on which node, what kind of failure, and why. Serializable:
/// it crosses grain calls to other silos and to clients.
/// </summary>
[GenerateSerializer, Alias("discovery.hypervisor-error")]
public class HypervisorException : Exception
{
    /// <summary>A failure of <paramref name="node"/>'s hypervisor.</summary>
    public HypervisorException(string node, HypervisorErrorKind kind, string message, Exception? inner = null)
        : base($"[{node}] {message}", inner) => (Node, Kind) = (node, kind);

    /// <summary>The node whose hypervisor failed.</summary>
    [Id(0)]
    public string Node { get; private set; }

    /// <summary>The broad reason.</summary>
    [Id(1)]
    public HypervisorErrorKind Kind { get; private set; }
}
