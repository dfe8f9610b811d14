using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Survey showings and answers as the surveys service publishes them.</summary>
internal static class SurveyEvents
{
    /// <summary>
    /// <paramref name="answers"/> NPS answers of <paramref name="score"/> for the partner at <paramref name="at"/>, each to a
    /// showing of its own when <paramref name="shown"/> (then they count in the response rate too).
    /// </summary>
    public static async Task AnswerAsync(
        this ServiceFactory<Program, AnalyticsDbContext> factory, Guid partner, DateTimeOffset at, int answers, int score, string touchpoint = "order", bool shown = false)
    {
        for (var i = 0; i < answers; i++)
        {
            Guid? impression = shown ? Guid.NewGuid() : null;
            if (impression is { } id)
            {
                await factory.PublishAsync(new SurveyShown
                {
                    EventId = Guid.NewGuid(), OccurredAt = at, ImpressionId = id, SurveyId = Guid.NewGuid(), SurveyVersion = 1,
                    SurveyKind = "nps", Trigger = "post-purchase", Touchpoint = touchpoint, VisitorId = "v-1", PartnerId = partner,
                });
            }

            await factory.PublishAsync(new SurveyResponseSubmitted
            {
                EventId = Guid.NewGuid(), OccurredAt = at.AddMinutes(1), ResponseId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
                SurveyKind = "nps", Touchpoint = touchpoint, VisitorId = "v-1", ImpressionId = impression, PartnerId = partner, NpsScore = score,
                ReasonCodes = [],
            });
        }
    }
}
