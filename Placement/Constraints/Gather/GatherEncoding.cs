using Discovery.Constraints;
using Google.OrTools.Sat;

namespace Discovery.Placement.Constraints;

/// <summary><c>gather</c> in CP-SAT: one chosen node among those every member may reach, every member on it.</summary>
internal sealed class GatherEncoding : ConstraintEncoding<Gather>
{
    protected override void Encode(Gather c, int[] members, ICpSatModel x)
    {
        var model = x.Model;
        var common = members.Select(m => x.PossibleNodes(m).ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
        if (common.Count == 0) { model.AddBoolOr([model.FalseLiteral()]); return; }
        var chosen = new List<ILiteral>();
        foreach (var n in common)
        {
            var y = model.NewBoolVar($"gather_{n}");
            chosen.Add(y);
            foreach (var m in members) model.Add(x.On(m, n)!.AsExpr() == y);
        }
        model.AddExactlyOne(chosen);
        foreach (var m in members)
            foreach (var n in x.PossibleNodes(m).Where(n => !common.Contains(n)))
                model.AddImplication(x.On(m, n)!, model.FalseLiteral());
    }
}
