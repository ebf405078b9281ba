using Orleans.Placement;

namespace Discovery.Hosting;

/// <summary>Places the grain with <see cref="HomeSiloPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class HomeSiloPlacementAttribute() : PlacementAttribute(HomeSiloPlacement.Singleton);
