using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace PartnerMesh.Gateway.Diagnostics;

/// <summary>
/// Refuses bodies above <see cref="GatewayOptions.MaxRequestBodySize"/> with 413 problem details: at once when
/// Content-Length says so, and while streaming otherwise (Kestrel enforces its limit; hosts without one, such as the
/// in-memory test server, get a counting stream).
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, TooLargeDetail(limit));
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

        await next(context);
    }

    public static string TooLargeDetail(long limit) => $"The request body exceeds the limit of {limit} bytes.";
}
