using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>offline</c> on a placement and on each landing.</summary>
internal sealed class OfflineChecker : Checker<Offline>
{
    protected override IEnumerable<string> Final(Offline c, PlacementState s) =>
        from n in c.Nodes.Where(s.HasNode) from vm in s.VmsOn(n) select $"offline: node '{n}' still hosts VM '{vm}'";

    protected override IEnumerable<string> Landing(Offline c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Nodes.Contains(node) ? [$"offline: VM '{vm}' migrates onto offline node '{node}'"] : [];
}
