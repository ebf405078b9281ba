using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>offline</c> for the greedy (the problem index closes the nodes) and the plan builder (never land there).</summary>
internal sealed class OfflineRules : ConstraintRules<Offline>
{
    protected override void AddLandingRules(Offline c, LandingRules rules, IReadOnlyDictionary<string, string> target) => rules.Close(c.Nodes);
}
