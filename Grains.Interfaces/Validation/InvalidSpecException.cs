using System.Collections.Immutable;

namespace Discovery.Validation;

/// <summary>Thrown when an input has problems; carries every one of them, not just the first (also across grain calls).</summary>
[GenerateSerializer, Alias("discovery.invalid-spec")]
public sealed class InvalidSpecException : ArgumentException
{
    /// <summary>An exception listing <paramref name="problems"/>.</summary>
    public InvalidSpecException(IReadOnlyList<ValidationProblem> problems) : base(Format(problems)) => Problems = [.. problems];

    /// <summary>Every problem found.</summary>
    [Id(0)]
    public ImmutableArray<ValidationProblem> Problems { get; private set; }

    private static string Format(IReadOnlyList<ValidationProblem> problems) =>
        $"{problems.Count} problem(s):{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => "  " + p));
}
