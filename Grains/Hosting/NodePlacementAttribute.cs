using Orleans.Placement;

namespace Discovery.Hosting;

/// <summary>Places the grain with <see cref="NodePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Singleton);
