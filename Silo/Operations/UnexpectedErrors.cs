using Microsoft.AspNetCore.Diagnostics;

namespace Discovery.Silo.Operations;

/// <summary>
/// What escapes an endpoint as problem details rather than an empty 500: the cluster not answering in time or
/// a silo gone (503, retry), anything else as 500 naming the error, logged with the request path.
/// </summary>
public sealed class UnexpectedErrors(IProblemDetailsService problems, ILogger<UnexpectedErrors> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // Kestrel's own refusals while reading the request (a body past the limit: 413) keep their status.
        if (exception is BadHttpRequestException bad)
        {
            context.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails =
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large: nothing was stored" : "Bad request",
                    Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? $"the body is larger than this silo reads ({context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize:N0} bytes, Discovery:MaxRequestBodyBytes)"
                        : bad.Message,
                },
            });
        }

        var unavailable = exception is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException;
        if (unavailable) logger.LogWarning("{Method} {Path}: the cluster did not answer: {Error}", context.Request.Method, context.Request.Path, exception.Message);
        else logger.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = context.Response.StatusCode,
                Title = unavailable ? "The cluster did not answer: retry" : "Internal error",
                Detail = $"{exception.GetType().Name}: {exception.Message}",
            },
        });
    }
}
