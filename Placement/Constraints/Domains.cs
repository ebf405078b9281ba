namespace Discovery.Placement.Constraints;

/// <summary>The nodes each VM may end on, as <see cref="ProblemIndex"/> builds them from the constraints.</summary>
internal sealed class Domains(ProblemIndex index, HashSet<int>?[] allowed)
{
    /// <summary>The problem whose domains these are.</summary>
    public ProblemIndex Index => index;

    /// <summary>No VM may end on these nodes (names outside the problem are ignored).</summary>
    public void Close(IEnumerable<string> nodes)
    {
        foreach (var n in nodes) if (index.NodeIndex.TryGetValue(n, out var k)) index.Offline[k] = true;
    }

    /// <summary>VM <paramref name="vm"/> may end only on <paramref name="nodes"/> (intersected with earlier restrictions).</summary>
    public void Restrict(int vm, IEnumerable<int> nodes)
    {
        var set = nodes.ToHashSet();
        if (allowed[vm] is null) allowed[vm] = set;
        else allowed[vm]!.IntersectWith(set);
    }
}
