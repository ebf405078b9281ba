using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Discovery.Silo.Configuration;

/// <summary>
/// Checks the raw text of every key that maps to a number, a boolean or an enum of
/// <typeparamref name="TOptions"/> (nested records included), against its type and its
/// <see cref="RangeAttribute"/>. The plain binder throws on the first unparseable value; this
/// reports every bad key, named in full, and <see cref="UsableValues"/> gives what remains to bind
/// (a bad key keeps its default, so the rules between keys still run on sensible values).
/// </summary>
public sealed class ConfigurationValuesValidator<TOptions>(IConfigurationSection section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = Check().Select(c => c.Problem).OfType<string>().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The section without its bad keys (nor blank optional numbers): what binding may read.</summary>
    public IConfiguration UsableValues()
    {
        var skipped = Check().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var values = section.AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null && !skipped.Contains(kv.Key));
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>Keys binding must skip, with the problem to report (null for a blank optional value).</summary>
    private List<(string Key, string? Problem)> Check()
    {
        var found = new List<(string, string?)>();
        Walk(typeof(TOptions), "", found);
        return found;
    }

    private void Walk(Type type, string prefix, List<(string, string?)> found)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0) continue;
            var key = prefix + (property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(target))
            {
                var raw = section[key];
                if (raw is null) continue;
                if (string.IsNullOrWhiteSpace(raw) && target != property.PropertyType) found.Add((key, null));
                else if (Problem(target, raw, property.GetCustomAttribute<RangeAttribute>()) is { } problem)
                    found.Add((key, $"{section.Path}:{key}: '{raw}' {problem}"));
            }
            else if (target.IsClass && target != typeof(string) && !target.IsAssignableTo(typeof(System.Collections.IEnumerable)))
            {
                Walk(target, key + ":", found);
            }
        }
    }

    private static bool IsScalar(Type t) => t == typeof(int) || t == typeof(double) || t == typeof(bool) || t.IsEnum;

    /// <summary>Why <paramref name="raw"/> is not a value of <paramref name="type"/> within <paramref name="range"/>; null if it is.</summary>
    private static string? Problem(Type type, string raw, RangeAttribute? range)
    {
        var c = CultureInfo.InvariantCulture;
        if (type == typeof(int))
        {
            var (min, max) = range is null ? (int.MinValue, int.MaxValue) : (Convert.ToInt32(range.Minimum, c), Convert.ToInt32(range.Maximum, c));
            return int.TryParse(raw, NumberStyles.Integer, c, out var v) && v >= min && v <= max
                ? null : string.Create(c, $"is not a whole number within {min}..{max}");
        }
        if (type == typeof(double))
        {
            var (min, max) = range is null ? (double.MinValue, double.MaxValue) : (Convert.ToDouble(range.Minimum, c), Convert.ToDouble(range.Maximum, c));
            return double.TryParse(raw, NumberStyles.Float, c, out var v) && v >= min && v <= max
                ? null : string.Create(c, $"is not a number within {min}..{max}");
        }
        if (type == typeof(bool))
            return bool.TryParse(raw, out _) ? null : "is not true or false";
        // Enums by name only: the binder would also take "7", which names nothing.
        var names = Enum.GetNames(type);
        return names.Any(n => string.Equals(n, raw.Trim(), StringComparison.OrdinalIgnoreCase)) ? null : $"is not one of {string.Join(", ", names)}";
    }
}
