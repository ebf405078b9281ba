using Discovery.Client;

namespace Discovery.Silo.Operations;

/// <summary>
/// Errors of the HTTP API as RFC 7807 problem details (<c>application/problem+json</c>): the status, a title,
/// the message as detail and, for bad input, <c>problems</c> listing every one (where, line, column, message).
/// </summary>
public static class ApiProblems
{
    /// <summary>One problem of an input, as the API lists it.</summary>
    public sealed record Problem(string Where, int? Line, int? Column, string Message);

    /// <summary>The problem response for an exception of the client library.</summary>
    public static IResult From(DiscoveryException e) => e switch
    {
        DiscoveryAccessDeniedException denied => denied.Refusal switch
        {
            Security.AccessRefusal.Unauthenticated => Results.Problem(e.Message, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthenticated"),
            Security.AccessRefusal.RateLimited => new RetryAfter(denied.RetryAfter, Results.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests")),
            Security.AccessRefusal.QuotaExceeded => Results.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden, title: "Quota exceeded"),
            _ => Results.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        },
        DiscoveryInvalidInputException invalid => Invalid([.. invalid.Problems.Select(p => new Problem(p.Where, p.Line, p.Column, p.Message))]),
        DiscoveryNotFoundException => Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        DiscoveryConflictException => Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict with the current state"),
        DiscoveryNotSupportedException => Results.Problem(e.Message, statusCode: StatusCodes.Status501NotImplemented, title: "Not supported on this cluster"),
        DiscoveryUnavailableException => Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cluster unavailable"),
        _ => Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "A hypervisor or grain failed"),
    };

    /// <summary>A 429 with its <c>Retry-After</c> header (whole seconds).</summary>
    private sealed class RetryAfter(TimeSpan after, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>400 with every problem of the input.</summary>
    public static IResult Invalid(IReadOnlyList<Problem> problems) => Results.Problem(
        $"{problems.Count} problem(s): " + string.Join("; ", problems.Select(p => p.Line is { } l ? $"{p.Where}:{l}:{p.Column}: {p.Message}" : $"{p.Where}: {p.Message}")),
        statusCode: StatusCodes.Status400BadRequest, title: "The input has problems: nothing was stored",
        extensions: new Dictionary<string, object?> { ["problems"] = problems });

    /// <summary>413 for one field (or the body) past a size limit, the limit named in <paramref name="message"/>.</summary>
    public static IResult TooLarge(string where, string message) => Results.Problem($"{where}: {message}",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "The input is too large: nothing was stored",
        extensions: new Dictionary<string, object?> { ["problems"] = new[] { new Problem(where, null, null, message) } });

    /// <summary>400 for one bad field.</summary>
    public static IResult Invalid(string where, string message) => Invalid([new Problem(where, null, null, message)]);

    /// <summary>404 for a node the cluster does not know.</summary>
    public static IResult UnknownNode(string node) =>
        Results.Problem($"node '{node}' is not a node of this cluster (GET /api/nodes lists them)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
