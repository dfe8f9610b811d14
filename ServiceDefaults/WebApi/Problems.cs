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

    /// <summary>A refusal with a machine-readable <c>reason</c> extension (coupons' reason codes).</summary>
    public static ProblemHttpResult Refused(int status, string reason, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason });
}
