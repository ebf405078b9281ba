namespace Discovery.Placement.Checking;

/// <summary>
/// Where each VM of a problem holds resources at one moment: one node, or two while it
/// migrates. The checkers read only this, never the solver's model.
/// </summary>
public sealed class PlacementState
{
    private readonly Dictionary<string, List<string>> _hostsOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _vmsOn = new(StringComparer.Ordinal);

    /// <summary>A state over <paramref name="nodes"/> with each VM of <paramref name="placement"/> on its node.</summary>
    public PlacementState(IEnumerable<string> nodes, IEnumerable<KeyValuePair<string, string>> placement)
    {
        foreach (var n in nodes) _vmsOn[n] = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (vm, node) in placement) Add(vm, node);
    }

    /// <summary>Nodes <paramref name="vm"/> holds resources on (empty when the VM is not in the problem).</summary>
    public IReadOnlyList<string> HostsOf(string vm) => _hostsOf.TryGetValue(vm, out var h) ? h : [];

    /// <summary>VMs holding resources on <paramref name="node"/>.</summary>
    public IReadOnlyCollection<string> VmsOn(string node) => _vmsOn.TryGetValue(node, out var s) ? s : [];

    /// <summary>True when the VM belongs to the problem.</summary>
    public bool Knows(string vm) => _hostsOf.ContainsKey(vm);

    /// <summary>True when the node belongs to the problem.</summary>
    public bool HasNode(string node) => _vmsOn.ContainsKey(node);

    /// <summary>Every node of the problem.</summary>
    public IEnumerable<string> Nodes => _vmsOn.Keys;

    /// <summary>Records that <paramref name="vm"/> (also) holds resources on <paramref name="node"/>.</summary>
    public void Add(string vm, string node)
    {
        if (!_hostsOf.TryGetValue(vm, out var hosts)) _hostsOf[vm] = hosts = [];
        hosts.Add(node);
        if (!_vmsOn.TryGetValue(node, out var vms)) _vmsOn[node] = vms = new HashSet<string>(StringComparer.Ordinal);
        vms.Add(vm);
    }

    /// <summary>Records that <paramref name="vm"/> no longer holds resources on <paramref name="node"/>.</summary>
    public void Remove(string vm, string node)
    {
        if (_hostsOf.TryGetValue(vm, out var hosts)) hosts.Remove(node);
        if (_vmsOn.TryGetValue(node, out var vms)) vms.Remove(vm);
    }
}
