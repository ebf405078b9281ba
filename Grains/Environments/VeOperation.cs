namespace Discovery.Environments;

/// <summary>What a user asks of a VE after submitting it.</summary>
public enum VeOperation { Start, Stop, Suspend, Resume, Delete }
