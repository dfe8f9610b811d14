using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>Error results as RFC 9457 problem details; refusals carry a machine-readable <c>reason</c>.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult Refused(int status, string reason, string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason });
}
