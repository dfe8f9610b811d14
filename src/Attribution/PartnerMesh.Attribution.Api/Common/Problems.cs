using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// Error results as RFC 9457 problem details. <see cref="ProblemHttpResult"/> goes through the registered
/// <c>IProblemDetailsService</c> (content type <c>application/problem+json</c>, trace id, instance), which
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
}
