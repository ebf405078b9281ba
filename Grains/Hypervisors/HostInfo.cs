using Discovery.Model;

namespace Discovery.Hypervisors;

/// <summary>A machine's identity and capacity.</summary>
public sealed record HostInfo(string Node, Resources Capacity, string Model);
