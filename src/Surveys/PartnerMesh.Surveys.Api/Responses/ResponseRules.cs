using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Responses;

public static class ResponseRules
{
    public static Dictionary<string, string[]>? Validate(SubmitResponseRequest? request)
    {
        var errors = new Errors();
        if (request is null)
        {
            errors.Add("body", "A response is required.");
            return errors.ToDictionary();
        }

        if (!Targeting.IsTrimmedId(request.VisitorId))
        {
            errors.Add("visitorId", $"A visitorId of 1 to {Targeting.MaxIdLength} characters is required.");
        }

        if (request.ImpressionId is null && request.SurveyId is null)
        {
            errors.Add("impressionId", "An impressionId (or a surveyId with its context) is required.");
        }

        if (request.ImpressionId is null && (request.Touchpoint is null || !Touchpoints.All.Contains(request.Touchpoint)))
        {
            errors.Add("touchpoint", $"Without an impressionId, touchpoint must be one of {string.Join(", ", Touchpoints.All)}.");
        }

        Targeting.CheckContext(errors, request.CustomerId, request.OrderId, request.PartnerId, request.CampaignId, request.TrafficSource);

        if (request.Segments is { Count: > Targeting.MaxSegments } || request.Segments?.Any(segment => !SurveyRules.IsKey(segment)) == true)
        {
            errors.Add("segments", $"At most {Targeting.MaxSegments} segments, each {SurveyRules.KeyRule}.");
        }

        if (request.Answers is null || request.Answers.Count == 0)
        {
            errors.Add("answers", "At least one answer is required.");
        }
        else if (request.Answers.Count > SurveyRules.MaxQuestions)
        {
            errors.Add("answers", $"At most {SurveyRules.MaxQuestions} answers.");
        }

        return errors.ToDictionary();
    }
}
