using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.Diagnostics;

/// <summary>
/// Long URLs and large headers refused with problem details rather than the web server's empty 414 and 431: the web
/// server reads up to <see cref="WebApiOptions.MaxRequestLineBytes"/> and <see cref="WebApiOptions.MaxRequestHeadersBytes"/>,
/// and this refuses API paths and query strings above <see cref="MaxApiTargetLength"/> and headers above
/// <see cref="MaxHeadersLength"/>. A click on <c>/r/</c> may use the whole request line: ad platforms append long
/// parameters, and the shopper must still be redirected.
/// </summary>
public sealed class RequestTargetLimitsMiddleware(RequestDelegate next)
{
    public const int MaxApiTargetLength = 8 * 1024;
    public const int MaxHeadersLength = 32 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var targetLength = request.Path.Value!.Length + request.QueryString.Value!.Length;
        if (targetLength > MaxApiTargetLength && !request.Path.StartsWithSegments("/r", StringComparison.Ordinal))
        {
            return ProblemResponses.WriteAsync(context, StatusCodes.Status414UriTooLong,
                $"Paths and query strings are limited to {MaxApiTargetLength} characters.");
        }

        var headersLength = 0;
        foreach (var (name, values) in request.Headers)
        {
            headersLength += name.Length + 4;
            foreach (var value in values)
            {
                headersLength += value?.Length ?? 0;
            }
        }

        return headersLength > MaxHeadersLength
            ? ProblemResponses.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"Request headers are limited to {MaxHeadersLength} characters in all.")
            : next(context);
    }
}
