namespace Discovery.Hypervisors;

/// <summary>A hypervisor operation failed; says on which node, what kind of failure, and why.</summary>
public class HypervisorException(string node, HypervisorErrorKind kind, string message, Exception? inner = null)
    : Exception($"[{node}] {message}", inner)
{
    /// <summary>The node whose hypervisor failed.</summary>
    public string Node { get; } = node;

    /// <summary>The broad reason.</summary>
    public HypervisorErrorKind Kind { get; } = kind;
}
