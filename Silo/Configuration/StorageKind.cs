namespace Discovery.Silo.Configuration;

/// <summary>Where persistent grain state lives.</summary>
public enum StorageKind { Memory, PostgreSql }
