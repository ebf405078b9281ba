namespace Discovery.Overlay;

/// <summary>
/// The seed's DNT as this silo sees it now: which node a partition reserves next when it grows.
/// Joins and leaves replace <see cref="Current"/>; a partition reads it at each step.
/// </summary>
public interface IOverlay
{
    /// <summary>The overlay now.</summary>
    OverlayMap Current { get; }
}
