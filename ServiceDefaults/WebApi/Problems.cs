using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Error results as RFC 9457 problem details, shared by every service. <see cref="ProblemHttpResult"/> goes through the
/// registered <c>IProblemDetailsService</c> (content type <c>application/problem+json</c>, trace id, instance), which
/// <c>TypedResults.Conflict(problem)</c> and friends do not; routes declare the statuses with <c>ProducesProblem</c>.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult Unprocessable(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title);

    /// <summary>RFC 9110's section for 422 (ASP.NET Core's default names WebDAV's, RFC 4918).</summary>
    public const string UnprocessableType = "https://tools.ietf.org/html/rfc9110#section-15.5.21";

    private const string WebDavUnprocessableType = "https://tools.ietf.org/html/rfc4918#section-11.2";

    private const int MaxErrorsInDetail = 3;

    /// <summary>
    /// The <c>type</c> of a problem whose status ASP.NET Core has no default for (it has one for the RFC 9110 statuses:
    /// 400, 404, 413, 414, 415, 500…): the RFC section that defines the status — 429 and 431 are RFC 6585's — else
    /// <c>about:blank</c> (RFC 9457: the status code says it all). So every problem carries a <c>type</c>.
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status422UnprocessableEntity => UnprocessableType,
        StatusCodes.Status428PreconditionRequired => "https://tools.ietf.org/html/rfc6585#section-3",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "https://tools.ietf.org/html/rfc6585#section-5",
        StatusCodes.Status511NetworkAuthenticationRequired => "https://tools.ietf.org/html/rfc6585#section-6",
        _ => "about:blank",
    };

    /// <summary>
    /// Completes every problem a host writes (the problem details service's customisation, <c>AddBasicServiceDefaults</c>):
    /// <c>instance</c>, <c>type</c> (<see cref="TypeOf"/>; RFC 9110's for 422), <c>traceId</c>, a refused NUL character's
    /// field (<see cref="ControlCharacterGuardStream"/>), and a human <c>detail</c> where the writer gave none — an unknown route,
    /// a wrong method, a wrong content type, a refused authorization, a validation problem — so every problem says what
    /// went wrong, not only its status.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Instance ??= http.Request.Path;
        problem.Type = problem.Type is null or WebDavUnprocessableType ? TypeOf(status) : problem.Type;
        if (http.Items.TryGetValue(ControlCharacterGuardStream.RefusalKey, out var field))
        {
            problem.Detail ??= WebApiOptions.NulCharacterDetail;
            if (field is string { Length: > 0 } name)
            {
                problem.Extensions.TryAdd("errors", new Dictionary<string, string[]> { [name] = [WebApiOptions.NulCharacterDetail] });
            }
        }

        problem.Detail ??= DetailOf(problem, http, status);
        problem.Extensions.TryAdd("traceId", Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
    }

    private static string DetailOf(Microsoft.AspNetCore.Mvc.ProblemDetails problem, HttpContext http, int status)
    {
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation)
        {
            var shown = validation.Errors.Take(MaxErrorsInDetail).Select(error => $"{error.Key}: {string.Join(" ", error.Value)}");
            var more = validation.Errors.Count > MaxErrorsInDetail ? $" (and {validation.Errors.Count - MaxErrorsInDetail} more, see errors)" : "";
            return string.Join(" ", shown) + more;
        }

        var request = http.Request;
        return status switch
        {
            StatusCodes.Status401Unauthorized => "This operation needs credentials.",
            StatusCodes.Status403Forbidden => "The credentials sent do not allow this operation.",
            StatusCodes.Status404NotFound => $"Nothing was found at {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => http.Response.Headers.Allow.ToString() is { Length: > 0 } allow
                ? $"{request.Method} is not allowed at {request.Path}; use {allow}."
                : $"{request.Method} is not allowed at {request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => request.ContentType is { Length: > 0 } contentType
                ? $"This operation does not read a body of type '{contentType}' (JSON bodies are application/json)."
                : "This operation needs a body with its Content-Type (JSON bodies are application/json).",
            _ => problem.Title ?? ReasonPhrases.GetReasonPhrase(status),
        };
    }

    /// <summary>A refusal with a machine-readable <c>reason</c> extension (coupons' reason codes).</summary>
    public static ProblemHttpResult Refused(int status, string reason, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason });
}
