namespace Discovery.Cli.Simulation;

/// <summary>What <c>discovery simulate</c> can run; written lowercase on the command line, in tables and in JSON.</summary>
public enum SchedulerKind { Dvms, Centralized, Hierarchical, None }
