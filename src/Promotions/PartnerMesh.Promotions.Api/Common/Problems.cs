using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>Error results as RFC 9457 problem details through the registered problem-details service.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult Unprocessable(string title, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title);
}
