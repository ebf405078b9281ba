using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>fence</c> in CP-SAT: the members' domains are the fence; nothing in the model.</summary>
internal sealed class FenceEncoding : ConstraintEncoding<Fence>
{
    protected override void Restrict(Fence c, int[] members, Domains domains)
    {
        foreach (var m in members) domains.Restrict(m, domains.Index.Indexes(c.Nodes));
    }
}
