namespace Discovery.Language;

/// <summary>One error of a VE or infrastructure text: where, and what was expected or is wrong.</summary>
public sealed record LanguageError(string File, Position At, string Message)
{
    /// <summary><c>FILE:LINE:COL: message</c>, as compilers print them.</summary>
    public override string ToString() => $"{File}:{At.Line}:{At.Column}: {Message}";
}
