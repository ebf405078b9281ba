namespace Discovery.Cli.Simulation;

/// <summary>The lowercase names of <see cref="SchedulerKind"/>: what users type and what reports (bench-results/) show.</summary>
public static class SchedulerKinds
{
    public static readonly IReadOnlyList<SchedulerKind> All = Enum.GetValues<SchedulerKind>();

    private static readonly Dictionary<string, SchedulerKind> ByName = All.ToDictionary(Name);

    /// <summary>The name on the command line and in reports, e.g. <c>dvms</c>.</summary>
    public static string Name(this SchedulerKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a comma-separated list such as <c>dvms,none</c>; each problem names the option.</summary>
    public static IReadOnlyList<SchedulerKind> Parse(string text, List<string> problems)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToList();
        var kinds = new List<SchedulerKind>();
        foreach (var name in names)
        {
            if (ByName.TryGetValue(name, out var kind)) kinds.Add(kind);
            else problems.Add($"--schedulers: unknown scheduler '{name}' (known: {string.Join(", ", All.Select(Name))})");
        }
        if (names.Count == 0) problems.Add("--schedulers: name at least one");
        if (names.Distinct().Count() != names.Count) problems.Add("--schedulers: a scheduler is named twice");
        return kinds;
    }
}
