using Discovery.Constraints;
using Google.OrTools.Sat;

namespace Discovery.Placement.Constraints;

/// <summary><c>latency</c> in CP-SAT: the members' domains are the union of the groups, and one picked group holds them all.</summary>
internal sealed class LatencyEncoding : ConstraintEncoding<Latency>
{
    protected override void Restrict(Latency c, int[] members, Domains domains)
    {
        foreach (var m in members) domains.Restrict(m, domains.Index.Indexes(c.Groups.SelectMany(g => g)));
    }

    protected override void Encode(Latency c, int[] members, ICpSatModel x)
    {
        var model = x.Model;
        var groups = c.Groups.Select(g => x.Index.Indexes(g)).ToList();
        var pick = groups.Select((_, i) => (ILiteral)model.NewBoolVar($"latency_group_{i}")).ToList();
        model.AddExactlyOne(pick);
        foreach (var m in members)
            foreach (var n in x.PossibleNodes(m))
            {
                var clause = new List<ILiteral> { x.On(m, n)!.Not() };
                clause.AddRange(groups.Select((g, i) => (g, i)).Where(t => t.g.Contains(n)).Select(t => pick[t.i]));
                model.AddBoolOr(clause);
            }
    }
}
