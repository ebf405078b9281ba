namespace Discovery.Validation;

/// <summary>One thing wrong with an input: the field that holds it (a path such as
/// <c>vms[2].memoryMiB</c>) and why it is wrong.</summary>
[GenerateSerializer, Immutable, Alias("discovery.validation-problem")]
public sealed record ValidationProblem([property: Id(0)] string Field, [property: Id(1)] string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
