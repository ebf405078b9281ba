namespace Discovery.Silo.Configuration;

/// <summary>Which hypervisors this silo drives.</summary>
public enum HypervisorKind { Simulated, Libvirt }
