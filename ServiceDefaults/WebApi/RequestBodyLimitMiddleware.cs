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

        RequestBodyLimit.Apply(context, limit);

        if (options.Value.RejectNulInJsonBodies && context.Request.HasJsonContentType() && context.Request.ContentLength is not 0)
        {
            context.Request.Body = new NulEscapeGuardStream(context.Request.Body, context);
        }

        await next(context);
    }
}

/// <summary>Stops reading a request body past a limit with a 413 <see cref="BadHttpRequestException"/>, on every host.</summary>
public static class RequestBodyLimit
{
    /// <summary>
    /// Kestrel's own limit where the server has one (it can still be lowered until the body is read); otherwise, for a body
    /// of undeclared length, a counting stream. A declared length above the limit is the caller's to refuse up front.
    /// </summary>
    public static void Apply(HttpContext context, long limit)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = sizeFeature.MaxRequestBodySize is { } current ? Math.Min(current, limit) : limit;
        }
        else if (sizeFeature is null && context.Request.ContentLength is null)
        {
            context.Request.Body = new LengthLimitedStream(context.Request.Body, limit);
        }
    }
}
