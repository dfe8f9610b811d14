using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses bodies above <see cref="WebApiOptions.MaxRequestBodyBytes"/> with 413 problem details: at once when
/// Content-Length says so (before anything reads the body), and while streaming otherwise. Kestrel enforces its own
/// <c>MaxRequestBodySize</c> while reading; hosts without one, such as the in-memory test server, get a counting stream,
/// so every host answers the same way. JSON bodies also pass through <see cref="ControlCharacterGuardStream"/>.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<WebApiOptions> options)
{
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
                    Title = WebApiOptions.TooLargeTitle,
                    Detail = WebApiOptions.TooLargeDetail(limit),
                },
            });
            return;
        }

        RequestBodyLimit.Apply(context, limit);

        if (options.Value.RejectNulInJsonBodies && context.Request.HasJsonContentType() && context.Request.ContentLength is not 0)
        {
            context.Request.Body = new ControlCharacterGuardStream(context.Request.Body, context);
        }

        await next(context);
    }
}

/// <summary>Stops reading a request body past a limit with a 413 <see cref="BadHttpRequestException"/>, on every host.</summary>
public static class RequestBodyLimit
{
    /// <summary>
    /// How many bytes on the wire Kestrel may read per byte of a chunked body: a one-byte chunk with the longest size line
    /// Kestrel reads (<c>00000001\r\n</c>, data, <c>\r\n</c>) is 13. Kestrel counts chunk framing against its limit.
    /// </summary>
    private const long ChunkedFramingAllowance = 16;

    /// <summary>
    /// The limit counts body bytes, declared or not. A declared length is Kestrel's to hold (it equals the body's), and above
    /// the limit the caller's to refuse up front. An undeclared (chunked) body is counted as it is read: Kestrel counts
    /// the chunk framing too (size lines and CRLFs, 6 % of a body sent in 100-byte chunks), so a body within the limit
    /// sent chunked got a 413 that the same bytes with Content-Length did not; Kestrel keeps a bound on the framing only.
    /// Hosts without Kestrel's limit, such as the in-memory test server, get the same counting stream.
    /// </summary>
    public static void Apply(HttpContext context, long limit)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var declared = context.Request.ContentLength is not null;
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = declared
                ? sizeFeature.MaxRequestBodySize is { } current ? Math.Min(current, limit) : limit
                : limit * ChunkedFramingAllowance;
        }

        if (!declared)
        {
            context.Request.Body = new LengthLimitedStream(context.Request.Body, limit);
        }
    }
}
