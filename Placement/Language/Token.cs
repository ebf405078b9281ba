namespace Discovery.Language;

/// <summary>Kinds of token of the VE language.</summary>
internal enum TokenKind
{
    Identifier, Variable, Number, Size, Percent, String,
    LeftBrace, RightBrace, LeftParen, RightParen, LeftBracket, RightBracket,
    Comma, Semicolon, Colon, Plus, Minus, Equals, DotDot,
    End,
}

/// <summary>A position in a source text, 1-based.</summary>
public readonly record struct Position(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// One token: its kind, its text as written (a percentage's with its '%', read by <see cref="CpuPercent"/>), its value
/// (a number's, a size's in MiB) and where it starts.
/// </summary>
internal sealed record Token(TokenKind Kind, string Text, Position At, long Value = 0)
{
    /// <summary>How a message names this token.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the file",
        TokenKind.String => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}
