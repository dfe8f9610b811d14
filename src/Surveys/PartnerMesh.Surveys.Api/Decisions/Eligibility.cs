using Microsoft.AspNetCore.Http.HttpResults;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// Why a survey is not for a shopper now: the <c>eligibility</c> of the 422 <c>not-eligible</c> problem that refuses an
/// email link or a response without a showing.
/// </summary>
public static class Eligibility
{
    public const string Paused = "paused";
    public const string OutsideSchedule = "outside-schedule";
    public const string Trigger = "trigger";
    public const string Touchpoint = "touchpoint";
    public const string Partner = "partner";
    public const string Segment = "segment";
    public const string Sampling = "sampling";
    public const string Frequency = "frequency";

    public static ProblemHttpResult NotEligible(string eligibility, string detail) => TypedResults.Problem(
        detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not eligible",
        extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["reason"] = EmailLinkResults.NotEligible,
            ["eligibility"] = eligibility,
        });
}
