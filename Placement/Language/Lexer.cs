using System.Globalization;

namespace Discovery.Language;

/// <summary>
/// Splits a VE text into tokens. Comments (<c>//</c> to the end of the line, <c>/* */</c>) and blanks
/// are skipped; a number followed by a unit (<c>MiB</c>, <c>GiB</c>, <c>TiB</c>) is a size in MiB, and one followed
/// by <c>%</c> a percentage (the only number that may have decimals: <c>12.5%</c>). Every
/// character that starts no token is reported once and skipped, so the parser still sees the rest.
/// </summary>
internal static class Lexer
{
    public static IReadOnlyList<Token> Tokenize(string text, string file, List<LanguageError> errors)
    {
        var tokens = new List<Token>();
        var (i, line, column) = (0, 1, 1);
        void Advance(int n)
        {
            for (var k = 0; k < n && i < text.Length; k++, i++)
                if (text[i] == '\n') (line, column) = (line + 1, 1);
                else column++;
        }
        while (i < text.Length)
        {
            var c = text[i];
            var at = new Position(line, column);
            if (char.IsWhiteSpace(c)) { Advance(1); continue; }
            if (c == '/' && Peek(text, i + 1) == '/')
            {
                while (i < text.Length && text[i] != '\n') Advance(1);
                continue;
            }
            if (c == '/' && Peek(text, i + 1) == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    errors.Add(new(file, at, "comment '/*' is never closed: expected '*/'"));
                    Advance(text.Length - i);
                    break;
                }
                Advance(end + 2 - i);
                continue;
            }
            if (c == '.' && Peek(text, i + 1) == '.') { tokens.Add(new(TokenKind.DotDot, "..", at)); Advance(2); continue; }
            if (Single(c) is { } kind) { tokens.Add(new(kind, c.ToString(), at)); Advance(1); continue; }
            if (c == '"')
            {
                var end = text.IndexOfAny(['"', '\n'], i + 1);
                if (end < 0 || text[end] != '"')
                {
                    errors.Add(new(file, at, "string is never closed: expected '\"' before the end of the line"));
                    Advance((end < 0 ? text.Length : end) - i);
                    continue;
                }
                tokens.Add(new(TokenKind.String, text[(i + 1)..end], at));
                Advance(end + 1 - i);
                continue;
            }
            if (c == '$' || IsNameStart(c))
            {
                var start = i;
                var j = c == '$' ? i + 1 : i;
                while (j < text.Length && (IsNamePart(text[j]) || (text[j] == '-' && char.IsAsciiLetterOrDigit(Peek(text, j + 1))))) j++;
                var name = text[start..j];
                if (c == '$' && name.Length == 1)
                {
                    errors.Add(new(file, at, "'$' must be followed by a variable name"));
                    Advance(1);
                    continue;
                }
                tokens.Add(new(c == '$' ? TokenKind.Variable : TokenKind.Identifier, name, at));
                Advance(j - i);
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var j = i;
                while (j < text.Length && char.IsAsciiDigit(text[j])) j++;
                var whole = j;
                if (Peek(text, j) == '.' && char.IsAsciiDigit(Peek(text, j + 1)))
                    for (j++; j < text.Length && char.IsAsciiDigit(text[j]); j++) { }
                var digits = text[i..j];
                if (Peek(text, j) == '%')
                {
                    tokens.Add(new(TokenKind.Percent, digits + "%", at));
                    Advance(j + 1 - i);
                    continue;
                }
                if (j > whole)
                {
                    errors.Add(new(file, at, $"number {digits} has decimals: only a percentage such as 12.5% may"));
                    Advance(j - i);
                    continue;
                }
                var u = j;
                while (u < text.Length && char.IsAsciiLetter(text[u])) u++;
                var unit = text[j..u];
                if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > int.MaxValue)
                {
                    errors.Add(new(file, at, $"number {digits} is too large"));
                    Advance(u - i);
                    continue;
                }
                if (unit.Length == 0) tokens.Add(new(TokenKind.Number, digits, at, number));
                else if (UnitMiB(unit) is { } factor) tokens.Add(new(TokenKind.Size, digits + unit, at, number * factor));
                else errors.Add(new(file, at, $"unknown unit '{unit}' after {digits}: expected MiB, GiB or TiB"));
                Advance(u - i);
                continue;
            }
            errors.Add(new(file, at, $"unexpected character '{c}'"));
            Advance(1);
        }
        tokens.Add(new(TokenKind.End, "", new Position(line, column)));
        return tokens;
    }

    private static char Peek(string text, int i) => i < text.Length ? text[i] : '\0';

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    // '-' inside a name (web-1) only before a letter or digit: "$A-$B" and "$A - $B" are differences.
    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static long? UnitMiB(string unit) => unit switch { "MiB" => 1, "GiB" => 1024, "TiB" => 1024 * 1024, _ => null };

    private static TokenKind? Single(char c) => c switch
    {
        '{' => TokenKind.LeftBrace, '}' => TokenKind.RightBrace, '(' => TokenKind.LeftParen, ')' => TokenKind.RightParen,
        '[' => TokenKind.LeftBracket, ']' => TokenKind.RightBracket, ',' => TokenKind.Comma, ';' => TokenKind.Semicolon,
        ':' => TokenKind.Colon, '+' => TokenKind.Plus, '-' => TokenKind.Minus, '=' => TokenKind.Equals,
        _ => null,
    };
}
