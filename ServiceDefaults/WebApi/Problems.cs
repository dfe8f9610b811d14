using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

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

    /// <summary>
    /// The <c>type</c> of a problem whose status ASP.NET Core has no default for (it has one for the RFC 9110 statuses:
    /// 400, 404, 413, 414, 415, 500…): the RFC section that defines the status — 429 and 431 are RFC 6585's — else
    /// <c>about:blank</c> (RFC 9457: the status code says it all). So every problem carries a <c>type</c>.
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status428PreconditionRequired => "https://tools.ietf.org/html/rfc6585#section-3",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "https://tools.ietf.org/html/rfc6585#section-5",
        StatusCodes.Status511NetworkAuthenticationRequired => "https://tools.ietf.org/html/rfc6585#section-6",
        _ => "about:blank",
    };

    /// <summary>A refusal with a machine-readable <c>reason</c> extension (coupons' reason codes).</summary>
    public static ProblemHttpResult Refused(int status, string reason, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason });
}
