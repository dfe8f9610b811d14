using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Malformed JSON, wrong types and over-long bodies surface as <see cref="BadHttpRequestException"/>; they are the
/// caller's fault, so they become 4xx problem details with the exception's own status (400, 413), never a 500. So does a
/// body System.Text.Json cannot read for want of a type discriminator (<see cref="UnreadableJsonBody"/>).
/// Other exceptions get the status <see cref="ExceptionStatusCodes"/> picks (503 for an unreachable store, else 500).
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
            BadHttpRequestException badRequest => (badRequest.StatusCode, badRequest.Message),
            _ when UnreadableJsonBody.Detail(exception) is { } unreadable => (StatusCodes.Status400BadRequest, unreadable),
            _ when ExceptionStatusCodes.IsUnstorableText(exception) => (StatusCodes.Status400BadRequest, WebApiOptions.NulCharacterDetail),
            _ => (0, null),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = status == StatusCodes.Status413PayloadTooLarge ? RequestBodyLimitMiddleware.TooLargeTitle : "Bad request",
                Detail = detail,
            },
        });
    }
}
