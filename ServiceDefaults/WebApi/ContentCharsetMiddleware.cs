using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses a request body whose <c>Content-Type</c> names a charset no reader here knows with a 415 problem naming it, and
/// unquotes a quoted one (<c>charset="utf-8"</c>) for the readers (<see cref="RequestCharset"/>); both answered 500.
/// </summary>
internal sealed class ContentCharsetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        var request = context.Request;
        if (ContentEncodingMiddleware.HasBody(request) && request.ContentType is { } contentType)
        {
            var (rewritten, unsupported) = RequestCharset.Check(contentType);
            if (unsupported is not null)
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await problemDetails.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType, Detail = RequestCharset.UnsupportedDetail(unsupported) },
                });
                return;
            }

            if (rewritten is not null)
            {
                request.ContentType = rewritten;
            }
        }

        await next(context);
    }
}
