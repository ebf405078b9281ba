namespace Discovery.Environments;

/// <summary>One line of the VE list: the VE's key and state.</summary>
[GenerateSerializer, Immutable, Alias("discovery.ve.summary")]
public sealed record VeSummary([property: Id(0)] string Ve, [property: Id(1)] VeState State);
