using System.Globalization;
using System.Text.RegularExpressions;

namespace Discovery.Cli;

/// <summary>Durations on the command line: <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1h30m</c>, <c>7d</c>, <c>500ms</c>, or a TimeSpan such as <c>00:05:00</c>.</summary>
public static partial class Duration
{
    /// <summary>What a duration looks like, for error messages and help.</summary>
    public const string Examples = "30s, 5m, 1h, 1h30m, 7d or 00:05:00";

    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)(?<unit>ms|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Parts();

    /// <summary>Parses <paramref name="text"/>; false with the reason in <paramref name="error"/> when it is not a positive duration.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var trimmed = text.Trim();
        if (trimmed.Contains(':'))
        {
            if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value)) return Fail($"'{text}' is not a duration: write {Examples}", out error);
        }
        else if (Parts().Match(trimmed) is { Success: true } match)
        {
            var numbers = match.Groups["n"].Captures;
            var units = match.Groups["unit"].Captures;
            try
            {
                for (var i = 0; i < numbers.Count; i++)
                {
                    var n = double.Parse(numbers[i].Value, CultureInfo.InvariantCulture);
                    value += units[i].Value switch
                    {
                        "d" => TimeSpan.FromDays(n),
                        "h" => TimeSpan.FromHours(n),
                        "m" => TimeSpan.FromMinutes(n),
                        "s" => TimeSpan.FromSeconds(n),
                        _ => TimeSpan.FromMilliseconds(n),
                    };
                }
            }
            catch (OverflowException) { return Fail($"'{text}' is longer than a duration can be", out error); }
        }
        else return Fail($"'{text}' is not a duration: write {Examples}", out error);
        return value > TimeSpan.Zero || Fail($"a duration must be positive, got '{text}'", out error);
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    /// <summary>The shortest of <c>2s</c>, <c>5m</c>, <c>1h30m</c>, <c>1m30s</c>, <c>1.5s</c>, <c>500ms</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1)) return $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms";
        var hours = (int)value.TotalHours;
        var text = (hours > 0 ? $"{hours}h" : "") + (value.Minutes > 0 ? $"{value.Minutes}m" : "");
        var seconds = value.Seconds + value.Milliseconds / 1000.0;
        return seconds > 0 ? text + $"{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s" : text;
    }
}
