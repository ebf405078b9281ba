using System.Globalization;
using System.Text.RegularExpressions;

namespace Discovery.Language;

/// <summary>
/// A VM's expected CPU demand written as a percentage of its vCPUs: <c>cpu: 50%</c> in the VE language,
/// <c>"cpu": "50%"</c> in the JSON API. Both read it here, so they accept the same values and say the same thing
/// about the others. A VM that declares none is assumed fully busy (<see cref="Model.VmSpec.MaxCpuDemand"/>).
/// <para>
/// The demand is in hundredths of a core: <c>VCpus × percent</c>, rounded to the nearest (halves away from zero),
/// so 50% of 2 vCPUs is 100 and 33.33% of 3 vCPUs is 100. People write whole percentages; decimals are there so
/// that every demand can be written back (<see cref="Format"/>), and compiling it gives the same demand.
/// </para>
/// </summary>
public static partial class CpuPercent
{
    /// <summary>The message for <paramref name="value"/> (as the message shows it: <c>'150%'</c>), after the field's name.</summary>
    public static string Problem(string value) => $"must be a percentage of the VM's vCPUs from 0% to 100%, such as 50%, got {value}";

    /// <summary>
    /// The demand (hundredths of a core) <paramref name="text"/> (<c>50%</c>, <c>12.5%</c>) means for a VM of
    /// <paramref name="vcpus"/> vCPUs; false when it is not a percentage from 0% to 100%.
    /// </summary>
    public static bool TryDemand(string text, int vcpus, out int demand)
    {
        demand = 0;
        if (!Percentage().IsMatch(text)
            || !decimal.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
            || percent > 100)
            return false;
        var hundredths = Demand(Math.Max(0, vcpus), percent);
        if (hundredths > int.MaxValue) return false; // a VM of tens of millions of vCPUs
        demand = (int)hundredths;
        return true;
    }

    /// <summary>
    /// <paramref name="demand"/> of a VM of <paramref name="vcpus"/> vCPUs as the shortest percentage that
    /// <see cref="TryDemand"/> reads back as the same demand: <c>50%</c>, <c>33.3%</c> (100 of 3 vCPUs).
    /// </summary>
    public static string Format(int vcpus, int demand)
    {
        if (vcpus <= 0) return $"{demand}%"; // no vCPU: no share to take of it (such a spec is refused anyway)
        var exact = (decimal)demand / vcpus;
        // With d decimals the rounding is off by at most vcpus × 0.5 × 10^-d hundredths, under one half once 10^d > vcpus.
        for (var decimals = 0; ; decimals++)
        {
            var percent = Math.Round(exact, decimals, MidpointRounding.AwayFromZero);
            if (Demand(vcpus, percent) == demand) return percent.ToString("0.############", CultureInfo.InvariantCulture) + "%";
        }
    }

    private static decimal Demand(int vcpus, decimal percent) => Math.Round(vcpus * percent, MidpointRounding.AwayFromZero);

    // Digits, at most one decimal point between digits, then '%': no sign, no blanks, no exponent.
    [GeneratedRegex(@"^[0-9]{1,12}(\.[0-9]{1,12})?%$")]
    private static partial Regex Percentage();
}
