namespace Discovery.Silo.Configuration;

/// <summary>Where the cluster's membership lives.</summary>
public enum ClusteringKind { Localhost, PostgreSql }
