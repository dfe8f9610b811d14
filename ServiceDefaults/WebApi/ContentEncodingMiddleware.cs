using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Refuses a request body sent with a content coding (<c>Content-Encoding: gzip</c>, …) with a 415 problem and
/// <c>Accept-Encoding: identity</c> (RFC 9110 §15.5.16): no PartnerMesh API decodes one, so the JSON reader used to see
/// compressed bytes and answer 400 "malformed". <c>identity</c> (the absence of a coding) is accepted.
/// </summary>
internal sealed class ContentEncodingMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        var request = context.Request;
        if (HasBody(request) && HasCoding(request.Headers.ContentEncoding))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            context.Response.Headers.AcceptEncoding = "identity";
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType, Detail = WebApiOptions.ContentCodingDetail },
            });
            return;
        }

        await next(context);
    }

    internal static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool HasCoding(Microsoft.Extensions.Primitives.StringValues header)
    {
        foreach (var value in header)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
