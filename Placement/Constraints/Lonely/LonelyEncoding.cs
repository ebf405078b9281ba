using Discovery.Constraints;
using Google.OrTools.Sat;

namespace Discovery.Placement.Constraints;

/// <summary><c>lonely</c> in CP-SAT: a node used by a member hosts no non-member.</summary>
internal sealed class LonelyEncoding : ConstraintEncoding<Lonely>
{
    protected override void Encode(Lonely c, int[] members, ICpSatModel x)
    {
        var model = x.Model;
        var isMember = members.ToHashSet();
        foreach (var n in members.SelectMany(x.PossibleNodes).Distinct())
        {
            var mine = members.Select(m => x.On(m, n)).OfType<ILiteral>().ToList();
            var others = Enumerable.Range(0, x.Index.Vms.Length).Where(v => !isMember.Contains(v))
                .Select(v => x.On(v, n)).OfType<ILiteral>().ToList();
            if (mine.Count == 0 || others.Count == 0) continue;
            var used = model.NewBoolVar($"lonely_{n}");
            foreach (var l in mine) model.AddImplication(l, used);
            foreach (var o in others) model.AddImplication(used, o.Not());
        }
    }
}
