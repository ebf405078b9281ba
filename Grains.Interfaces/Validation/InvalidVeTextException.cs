using System.Collections.Immutable;

namespace Discovery.Validation;

/// <summary>One error of a VE text: file, line and column (1-based) and what was expected or is wrong.</summary>
[GenerateSerializer, Immutable, Alias("discovery.text-problem")]
public sealed record TextProblem(
    [property: Id(0)] string File,
    [property: Id(1)] int Line,
    [property: Id(2)] int Column,
    [property: Id(3)] string Message)
{
    /// <summary><c>FILE:LINE:COL: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Thrown when a VE text has errors; carries every one of them (also across grain calls).</summary>
[GenerateSerializer, Alias("discovery.invalid-ve-text")]
public sealed class InvalidVeTextException : ArgumentException
{
    /// <summary>An exception listing <paramref name="problems"/>.</summary>
    public InvalidVeTextException(IReadOnlyList<TextProblem> problems)
        : base($"{problems.Count} error(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p))) =>
        Problems = [.. problems];

    /// <summary>Every error found.</summary>
    [Id(0)]
    public ImmutableArray<TextProblem> Problems { get; private set; }
}
