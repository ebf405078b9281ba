using Discovery.Constraints;

namespace Discovery.Placement.Checking;

/// <summary>
/// One checker per constraint, after btrplace: <see cref="Final"/> validates a placement,
/// <see cref="Landing"/> validates one migration as it starts (the VM then holds resources on
/// both hosts). VMs a constraint names that are not in the problem are ignored.
/// </summary>
public interface IConstraintChecker
{
    IEnumerable<string> Final(PlacementConstraint constraint, PlacementState state);

    IEnumerable<string> Landing(PlacementConstraint constraint, PlacementState during, string vm, string node, PlacementState final);
}

/// <summary>Finds the checker of each constraint type.</summary>
public static class ConstraintCheckers
{
    private static readonly Dictionary<Type, IConstraintChecker> ByType = new()
    {
        [typeof(Ban)] = new BanChecker(),
        [typeof(Fence)] = new FenceChecker(),
        [typeof(Spread)] = new SpreadChecker(),
        [typeof(Latency)] = new LatencyChecker(),
        [typeof(Gather)] = new GatherChecker(),
        [typeof(Lonely)] = new LonelyChecker(),
        [typeof(Offline)] = new OfflineChecker(),
    };

    public static IConstraintChecker For(PlacementConstraint c) =>
        ByType.TryGetValue(c.GetType(), out var checker) ? checker : throw new NotSupportedException($"no checker for constraint '{c.Name}'");

    internal static string Describe(PlacementConstraint c) => $"{c.Name}({string.Join(",", c.VmIds)})";
}

internal abstract class Checker<T> : IConstraintChecker where T : PlacementConstraint
{
    public IEnumerable<string> Final(PlacementConstraint c, PlacementState state) => Final((T)c, state);

    public IEnumerable<string> Landing(PlacementConstraint c, PlacementState during, string vm, string node, PlacementState final) =>
        Landing((T)c, during, vm, node, final);

    protected abstract IEnumerable<string> Final(T c, PlacementState state);

    protected abstract IEnumerable<string> Landing(T c, PlacementState during, string vm, string node, PlacementState final);

    protected static IEnumerable<string> Members(T c, PlacementState s) => c.VmIds.Where(s.Knows).Distinct();
}

internal sealed class BanChecker : Checker<Ban>
{
    protected override IEnumerable<string> Final(Ban c, PlacementState s) =>
        from vm in Members(c, s) from n in s.HostsOf(vm) where c.Nodes.Contains(n) select $"ban: VM '{vm}' is on banned node '{n}'";

    protected override IEnumerable<string> Landing(Ban c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && c.Nodes.Contains(node) ? [$"ban: VM '{vm}' migrates onto banned node '{node}'"] : [];
}

internal sealed class FenceChecker : Checker<Fence>
{
    protected override IEnumerable<string> Final(Fence c, PlacementState s) =>
        from vm in Members(c, s) from n in s.HostsOf(vm) where !c.Nodes.Contains(n) select $"fence: VM '{vm}' is on '{n}', outside its fence";

    protected override IEnumerable<string> Landing(Fence c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && !c.Nodes.Contains(node) ? [$"fence: VM '{vm}' migrates onto '{node}', outside its fence"] : [];
}

internal sealed class OfflineChecker : Checker<Offline>
{
    protected override IEnumerable<string> Final(Offline c, PlacementState s) =>
        from n in c.Nodes.Where(s.HasNode) from vm in s.VmsOn(n) select $"offline: node '{n}' still hosts VM '{vm}'";

    protected override IEnumerable<string> Landing(Offline c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Nodes.Contains(node) ? [$"offline: VM '{vm}' migrates onto offline node '{node}'"] : [];
}

internal sealed class SpreadChecker : Checker<Spread>
{
    // Continuous: two members never share a node, not even while one of them migrates.
    protected override IEnumerable<string> Final(Spread c, PlacementState s)
    {
        var members = Members(c, s).ToHashSet();
        return from n in s.Nodes
               let here = s.VmsOn(n).Where(members.Contains).Order(StringComparer.Ordinal).ToList()
               where here.Count > 1
               select $"spread: VMs {string.Join(", ", here.Select(v => $"'{v}'"))} share node '{n}'";
    }

    protected override IEnumerable<string> Landing(Spread c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm)
            ? during.VmsOn(node).Where(o => o != vm && c.Vms.Contains(o)).Select(o => $"spread: VM '{vm}' migrates onto '{node}' where '{o}' is")
            : [];
}

internal sealed class GatherChecker : Checker<Gather>
{
    protected override IEnumerable<string> Final(Gather c, PlacementState s)
    {
        var nodes = Members(c, s).SelectMany(s.HostsOf).Distinct().ToList();
        return nodes.Count > 1 ? [$"gather: VMs {ConstraintCheckers.Describe(c)} are on {nodes.Count} nodes ({string.Join(", ", nodes)})"] : [];
    }

    // Gather can only hold in the final state: members move one at a time.
    protected override IEnumerable<string> Landing(Gather c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && !final.HostsOf(vm).Contains(node) ? [$"gather: VM '{vm}' migrates onto '{node}', not its group's node"] : [];
}

internal sealed class LonelyChecker : Checker<Lonely>
{
    protected override IEnumerable<string> Final(Lonely c, PlacementState s)
    {
        var members = Members(c, s).ToHashSet();
        return from n in s.Nodes
               let here = s.VmsOn(n)
               where here.Any(members.Contains)
               from other in here.Where(v => !members.Contains(v))
               select $"lonely: VM '{other}' shares node '{n}' with the lonely VMs";
    }

    protected override IEnumerable<string> Landing(Lonely c, PlacementState during, string vm, string node, PlacementState final)
    {
        var here = during.VmsOn(node).Where(v => v != vm).ToList();
        if (c.Vms.Contains(vm))
            return here.Where(v => !c.Vms.Contains(v)).Select(v => $"lonely: VM '{vm}' migrates onto '{node}' where '{v}' is");
        return here.Any(c.Vms.Contains) ? [$"lonely: VM '{vm}' migrates onto '{node}', which hosts lonely VMs"] : [];
    }
}

internal sealed class LatencyChecker : Checker<Latency>
{
    protected override IEnumerable<string> Final(Latency c, PlacementState s)
    {
        var nodes = Members(c, s).SelectMany(s.HostsOf).Distinct().ToList();
        if (nodes.Count == 0 || c.Groups.Any(g => nodes.All(g.Contains))) return [];
        return [$"latency: VMs {ConstraintCheckers.Describe(c)} are on {string.Join(", ", nodes)}, not within one node group"];
    }

    protected override IEnumerable<string> Landing(Latency c, PlacementState during, string vm, string node, PlacementState final)
    {
        if (!c.Vms.Contains(vm)) return [];
        var finalNodes = Members(c, final).SelectMany(final.HostsOf).Distinct().ToList();
        return c.Groups.Any(g => g.Contains(node) && finalNodes.All(g.Contains))
            ? []
            : [$"latency: VM '{vm}' migrates onto '{node}', outside the node group its VE ends in"];
    }
}
