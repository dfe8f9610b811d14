using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses bodies above <see cref="WebApiOptions.MaxRequestBodyBytes"/> with 413 problem details: at once when
/// Content-Length says so (before anything reads the body), and while streaming otherwise. Kestrel enforces its own
/// <c>MaxRequestBodySize</c> while reading; hosts without one, such as the in-memory test server, get a counting stream,
/// so every host answers the same way. JSON bodies also pass through <see cref="NulEscapeGuardStream"/>.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<WebApiOptions> options)
{
    public const string TooLargeTitle = "Request body too large";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = TooLargeTitle,
                    Detail = WebApiOptions.TooLargeDetail(limit),
                },
            });
            return;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        else if (sizeFeature is null && context.Request.ContentLength is null)
        {
            context.Request.Body = new LengthLimitedStream(context.Request.Body, limit);
        }

        if (options.Value.RejectNulInJsonBodies && context.Request.HasJsonContentType() && context.Request.ContentLength is not 0)
        {
            context.Request.Body = new NulEscapeGuardStream(context.Request.Body, context);
        }

        await next(context);
    }
}
