using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Malformed JSON, wrong types and over-long bodies surface as <see cref="BadHttpRequestException"/>; they are the
/// caller's fault, so they become 4xx problem details with the exception's own status (400, 413), never a 500.
/// Other exceptions get the status <see cref="ExceptionStatusCodes"/> picks (503 for an unreachable store, else 500).
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? RequestBodyLimitMiddleware.TooLargeTitle : "Bad request",
                Detail = badRequest.Message,
            },
        });
    }
}
