using System.Collections.Immutable;

namespace Discovery.Language;

/// <summary>
/// Recursive descent over the tokens of <see cref="Lexer"/>. A statement that does not parse is
/// reported with what was expected and skipped up to its ';', so every error of a file is reported.
/// Sets and parentheses nest at most <see cref="LanguageLimits.MaxDepth"/> deep, so no text drives the recursion
/// deeper; a chain of <c>+</c> and <c>-</c> is read by a loop into one <see cref="Chain"/>, however long.
/// <code>
/// statement   = variable '=' expr ';' | names ':' (identifier | '{' property {',' property} '}') ';' | identifier '(' [expr {',' expr}] ')' ';'
/// expr        = term {('+' | '-') term}
/// term        = '{' [expr {',' expr}] '}' | variable ['[' number '..' number ']'] | identifier ['[' number '..' number ']'] | '(' expr ')'
/// property    = identifier ':' (['-'] (number | size | percentage) | string)
/// </code>
/// </summary>
internal sealed class Parser
{
    private readonly IReadOnlyList<Token> _tokens;
    private readonly string _file;
    private readonly List<LanguageError> _errors;
    private readonly int _maxDepth;
    private int _next;
    private int _depth; // sets and parentheses open around the current token

    private Parser(IReadOnlyList<Token> tokens, string file, List<LanguageError> errors, int maxDepth) =>
        (_tokens, _file, _errors, _maxDepth) = (tokens, file, errors, maxDepth);

    /// <summary>
    /// The statements of <paramref name="text"/>; its lexical and syntax errors go to <paramref name="errors"/>, and so does
    /// nesting deeper than <paramref name="limits"/> allow (<see cref="LanguageLimits.Default"/> when null).
    /// </summary>
    public static ImmutableArray<Statement> Parse(string text, string file, List<LanguageError> errors, LanguageLimits? limits = null)
    {
        var parser = new Parser(Lexer.Tokenize(text, file, errors), file, errors, (limits ?? LanguageLimits.Default).MaxDepth);
        return parser.Statements();
    }

    private Token Current => _tokens[_next];

    private ImmutableArray<Statement> Statements()
    {
        var statements = ImmutableArray.CreateBuilder<Statement>();
        while (Current.Kind != TokenKind.End)
        {
            try
            {
                statements.Add(Statement());
            }
            catch (SyntaxError e)
            {
                _depth = 0;
                _errors.Add(new(_file, e.At, e.Message));
                while (Current.Kind is not (TokenKind.Semicolon or TokenKind.End)) _next++;
                if (Current.Kind == TokenKind.Semicolon) _next++;
            }
        }
        return statements.ToImmutable();
    }

    private Statement Statement()
    {
        var start = Current;
        if (start.Kind == TokenKind.Variable && _tokens[_next + 1].Kind == TokenKind.Equals)
        {
            _next += 2;
            var value = Expr();
            Expect(TokenKind.Semicolon, $"';' after the value of {start.Text}");
            return new Assignment(start.Text, value, start.At);
        }
        if (start.Kind == TokenKind.Identifier && _tokens[_next + 1].Kind == TokenKind.LeftParen)
        {
            _next += 2;
            var arguments = Separated(Expr, TokenKind.RightParen, $"',' or ')' in the arguments of {start.Text}");
            Expect(TokenKind.Semicolon, $"';' after {start.Text}(...)");
            return new Call(start.Text, arguments, start.At);
        }
        if (start.Kind == TokenKind.Identifier)
        {
            var names = Term();
            Expect(TokenKind.Colon, $"':' and a template or {{properties}} after {start.Text} (or '=' after a $variable, '(' after a constraint)");
            string? template = null;
            var properties = ImmutableArray<Property>.Empty;
            if (Current.Kind == TokenKind.Identifier) template = Take().Text;
            else if (Current.Kind == TokenKind.LeftBrace) properties = Properties();
            else throw Expected("a template name (tiny, small, medium, large) or '{'");
            Expect(TokenKind.Semicolon, "';' after the declaration");
            return new Declaration(names, template, properties, start.At);
        }
        throw Expected("a statement: '$name = ...;', 'name : ...;' or 'constraint(...);'");
    }

    private ImmutableArray<Property> Properties()
    {
        Take(); // {
        return Separated(Property, TokenKind.RightBrace, "',' or '}' after a property");
    }

    /// <summary><c>[item {',' item}] closing</c>: the items, the closing token consumed (<paramref name="what"/> when it is missing).</summary>
    private ImmutableArray<T> Separated<T>(Func<T> item, TokenKind closing, string what)
    {
        var items = ImmutableArray.CreateBuilder<T>();
        if (Current.Kind != closing)
        {
            items.Add(item());
            while (Current.Kind == TokenKind.Comma)
            {
                _next++;
                items.Add(item());
            }
        }
        Expect(closing, what);
        return items.ToImmutable();
    }

    private Property Property()
    {
        var key = Expect(TokenKind.Identifier, "a property name (vcpus, memory, cpu, image, cores, site)");
        Expect(TokenKind.Colon, $"':' after {key.Text}");
        // A '-' before a value makes it negative: one token, so that the property's own check names it ('-1%').
        if (Current.Kind == TokenKind.Minus && _tokens[_next + 1] is { Kind: TokenKind.Number or TokenKind.Size or TokenKind.Percent } negated)
        {
            var minus = Take();
            _next++;
            return new Property(key.Text, negated with { Text = "-" + negated.Text, Value = -negated.Value, At = minus.At }, key.At);
        }
        if (Current.Kind is not (TokenKind.Number or TokenKind.Size or TokenKind.Percent or TokenKind.String))
            throw Expected($"a number, a size (8GiB), a percentage (50%) or a \"string\" for {key.Text}");
        return new Property(key.Text, Take(), key.At);
    }

    private Expr Expr()
    {
        var first = Term();
        if (Current.Kind is not (TokenKind.Plus or TokenKind.Minus)) return first;
        var rest = ImmutableArray.CreateBuilder<(char, Expr)>();
        var at = first.At;
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Take();
            at = op.At;
            rest.Add((op.Kind == TokenKind.Plus ? '+' : '-', Term()));
        }
        // At its last operator, where the tree of binary operators it replaces had its root.
        return new Chain(first, rest.ToImmutable(), at);
    }

    /// <summary>One more set or parenthesis open at <paramref name="opening"/>: an error past the limit.</summary>
    private void Open(Token opening)
    {
        if (++_depth > _maxDepth)
            throw new SyntaxError(opening.At, $"sets and parentheses nest more than {_maxDepth} deep here: the limit of a VE text");
    }

    private Expr Term()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.LeftBrace:
            {
                Open(token);
                _next++;
                var set = new SetLiteral(Separated(Expr, TokenKind.RightBrace, "',' or '}' in a set"), token.At);
                _depth--;
                return set;
            }
            case TokenKind.LeftParen:
            {
                Open(token);
                _next++;
                var inner = Expr();
                Expect(TokenKind.RightParen, "')'");
                _depth--;
                return inner;
            }
            case TokenKind.Variable or TokenKind.Identifier:
            {
                _next++;
                var variable = token.Kind == TokenKind.Variable;
                if (Current.Kind != TokenKind.LeftBracket) return variable ? new VariableRef(token.Text, token.At) : new NameRef(token.Text, token.At);
                _next++;
                var from = Expect(TokenKind.Number, $"a number after '{token.Text}['");
                Expect(TokenKind.DotDot, "'..' in a range");
                var to = Expect(TokenKind.Number, "a number after '..'");
                Expect(TokenKind.RightBracket, "']' after a range");
                return new RangeRef(token.Text, variable, (int)from.Value, (int)to.Value, token.At);
            }
            default:
                throw Expected("a set: '{...}', a $variable, a name or a range like VM[1..3]");
        }
    }

    private Token Take() => _tokens[_next++];

    private Token Expect(TokenKind kind, string what) => Current.Kind == kind ? Take() : throw Expected(what);

    private SyntaxError Expected(string what) => new(Current.At, $"expected {what}, found {Current.Describe()}");

    private sealed class SyntaxError(Position at, string message) : Exception(message)
    {
        public Position At { get; } = at;
    }
}
