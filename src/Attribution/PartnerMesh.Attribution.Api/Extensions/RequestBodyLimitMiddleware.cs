namespace PartnerMesh.Attribution.Api.Extensions;

/// <summary>
/// Kestrel enforces <c>MaxRequestBodySize</c> while reading, but not every server does (the in-memory test server
/// does not); checking the declared length here gives the same 413 everywhere, before anything is read.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, long maxRequestBodyBytes)
{
    public async Task InvokeAsync(HttpContext httpContext, IProblemDetailsService problemDetails)
    {
        if (httpContext.Request.ContentLength > maxRequestBodyBytes)
        {
            httpContext.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"Request bodies are limited to {maxRequestBodyBytes} bytes.",
                },
            });
            return;
        }

        await next(httpContext);
    }
}
