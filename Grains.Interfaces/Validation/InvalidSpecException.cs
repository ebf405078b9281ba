namespace Discovery.Validation;

/// <summary>Thrown when an input has problems; carries every one of them, not just the first.</summary>
public sealed class InvalidSpecException(IReadOnlyList<ValidationProblem> problems)
    : ArgumentException(Format(problems))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;

    private static string Format(IReadOnlyList<ValidationProblem> problems) =>
        $"{problems.Count} problem(s):{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => "  " + p));
}
