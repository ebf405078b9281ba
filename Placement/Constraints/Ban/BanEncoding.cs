using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>ban</c> in CP-SAT: the banned nodes leave the members' domains; nothing in the model.</summary>
internal sealed class BanEncoding : ConstraintEncoding<Ban>
{
    protected override void Restrict(Ban c, int[] members, Domains domains)
    {
        var banned = domains.Index.Indexes(c.Nodes);
        foreach (var m in members) domains.Restrict(m, Enumerable.Range(0, domains.Index.Nodes.Length).Where(n => !banned.Contains(n)));
    }
}
