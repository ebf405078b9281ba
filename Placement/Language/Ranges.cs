namespace Discovery.Language;

/// <summary><c>VM[4..7]</c> is VM4, VM5, VM6, VM7: the expansion shared by VE and infrastructure texts.</summary>
internal static class Ranges
{
    /// <summary>Largest range accepted: a typo such as VM[1..1000000] is an error, not a million VMs.</summary>
    public const int Largest = 100_000;

    /// <summary>
    /// The names of <paramref name="r"/>; null after an error. <paramref name="spend"/>, when given, is asked for the
    /// names first (false: refused, its error reported), so a text's ranges together stay within its budget.
    /// </summary>
    public static IReadOnlyList<string>? Expand(RangeRef r, Action<Position, string> error, Func<Position, int, bool>? spend = null)
    {
        if (r.To < r.From)
        {
            error(r.At, $"range {Show(r)} is reversed: write {r.Prefix}[{r.To}..{r.From}]");
            return null;
        }
        if (r.To - r.From >= Largest)
        {
            error(r.At, $"range {Show(r)} has more than {Largest:N0} elements");
            return null;
        }
        if (spend is not null && !spend(r.At, r.To - r.From + 1)) return null;
        return [.. Enumerable.Range(r.From, r.To - r.From + 1).Select(i => r.Prefix + i)];
    }

    public static string Show(RangeRef r) => $"{r.Prefix}[{r.From}..{r.To}]";

    /// <summary>
    /// What a declaration declares: one name, or a range of names (<paramref name="example"/> says what is
    /// expected otherwise). Null after an error, reported through <paramref name="error"/>.
    /// </summary>
    public static IReadOnlyList<string>? Declared(Declaration d, string example, Action<Position, string> error, Func<Position, int, bool>? spend = null)
    {
        switch (d.Names)
        {
            case NameRef n: return [n.Name];
            case RangeRef { Variables: false } r: return Expand(r, error, spend);
            default:
                error(d.Names.At, $"expected {example} before ':'");
                return null;
        }
    }
}
