using Discovery.Constraints;
using Google.OrTools.Sat;

namespace Discovery.Placement.Constraints;

/// <summary><c>spread</c> in CP-SAT: at most one member per node.</summary>
internal sealed class SpreadEncoding : ConstraintEncoding<Spread>
{
    protected override void Encode(Spread c, int[] members, ICpSatModel x)
    {
        foreach (var n in members.SelectMany(x.PossibleNodes).Distinct())
        {
            var here = members.Select(m => x.On(m, n)).OfType<ILiteral>().ToList();
            if (here.Count > 1) x.Model.AddAtMostOne(here);
        }
    }
}
