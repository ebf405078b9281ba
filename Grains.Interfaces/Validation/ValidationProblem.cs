namespace Discovery.Validation;

/// <summary>One thing wrong with an input: the field that holds it (a path such as
/// <c>vms[2].memoryMiB</c>) and why it is wrong.</summary>
[GenerateSerializer, Immutable, Alias("discovery.validation-problem")]
public sealed record ValidationProblem([property: Id(0)] string Field, [property: Id(1)] string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

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
