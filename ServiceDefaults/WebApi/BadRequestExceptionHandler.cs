using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Malformed JSON, wrong types and over-long bodies surface as <see cref="BadHttpRequestException"/>; they are the
/// caller's fault, so they become 4xx problem details with the exception's own status (400, 413), never a 500.
/// Other exceptions are left to the host (its <c>ExceptionHandlerOptions.StatusCodeSelector</c>, else a 500 problem).
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
