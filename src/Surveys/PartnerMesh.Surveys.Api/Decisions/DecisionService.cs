using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Redis;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// The "which survey now" decision. Definitions come from the in-memory catalog; the only store reads are the frequency
/// records in Redis (the survey's own, then the shared recontact record). A "show" commits the impression and its
/// <see cref="SurveyShown"/> event together before answering (<see cref="ImpressionWriter"/>, a group commit). Without
/// Redis nothing is shown: showing blind could break the frequency promises.
/// </summary>
public sealed partial class DecisionService(
    SurveyCatalog catalog,
    FrequencyRecord frequency,
    ContactFrequencyRecord contacts,
    ImpressionWriter writer,
    TimeProvider timeProvider,
    SurveysMetrics metrics,
    RedisOutage outage,
    ILogger<DecisionService> logger)
{
    public const string ContactChannel = "survey";

    public async Task<DecisionResponse> DecideAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        var candidates = catalog.Current.Where(live => Targeting.Fits(live.Survey, request, now)).ToList();
        if (candidates.Count == 0)
        {
            return Nothing(DecisionReasons.NoEligibleSurvey);
        }

        var visitorId = request.VisitorId!;
        LiveSurvey? chosen = null;
        var chosenState = FrequencyState.None;
        try
        {
            var states = await frequency.ReadAsync([.. candidates.Select(live => live.Id)], visitorId);
            for (var index = 0; index < candidates.Count && chosen is null; index++)
            {
                if (FrequencyRule.Allows(candidates[index].Survey, states[index], now))
                {
                    chosen = candidates[index];
                    chosenState = states[index];
                }
            }

            if (chosen is null)
            {
                return Nothing(DecisionReasons.Frequency);
            }

            // The survey's own record first (compare and set: a racing decision for this visitor loses here), then the
            // shared contact record; if that refuses, the survey's record goes back to what it was.
            if (!await frequency.TryRecordShownAsync(chosen.Id, visitorId, chosenState, now))
            {
                return Nothing(DecisionReasons.Frequency);
            }

            var claim = await contacts.TryClaimAsync(new ContactSubject(visitorId, request.CustomerId, request.Email), ContactChannel);
            if (!claim.Granted)
            {
                await frequency.RevertShownAsync(chosen.Id, visitorId, chosenState, now);
                return Nothing(DecisionReasons.GlobalCooldown, claim.RetryAfter);
            }
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            if (outage.ShouldWarn())
            {
                LogRedisUnavailable(logger, exception);
            }

            return Nothing(DecisionReasons.RecordUnavailable);
        }

        var impression = new Impression
        {
            Id = Guid.CreateVersion7(now),
            SurveyId = chosen.Id,
            SurveyVersion = chosen.Survey.Version,
            SurveyKind = chosen.Survey.Kind,
            Trigger = request.Trigger!,
            Touchpoint = request.Touchpoint!,
            VisitorId = visitorId,
            CustomerId = request.CustomerId,
            OrderId = request.OrderId,
            PartnerId = request.PartnerId,
            CampaignId = request.CampaignId,
            TrafficSource = request.TrafficSource,
            Segments = [.. (request.Segments ?? []).Distinct(StringComparer.Ordinal)],
            ShownAt = now,
        };
        try
        {
            await writer.WriteAsync(impression, Shown(impression, now), cancellationToken);
        }
        catch (Exception exception) when (exception is DbUpdateException or NpgsqlException or TimeoutException)
        {
            // The contact is already claimed: the shopper loses one chance to be asked, never sees an unanswerable survey.
            LogStoreUnavailable(logger, exception);
            return Nothing(DecisionReasons.StoreUnavailable);
        }

        metrics.Decided(DecisionReasons.Shown);
        var survey = chosen.Survey;
        return new DecisionResponse(true, null, impression.Id, new ShownSurvey(survey.Id, survey.Version, survey.Kind, survey.Name, chosen.Questions));
    }

    public static SurveyShown Shown(Impression impression, DateTimeOffset now) => new()
    {
        EventId = Guid.CreateVersion7(now),
        OccurredAt = now,
        ImpressionId = impression.Id,
        SurveyId = impression.SurveyId,
        SurveyVersion = impression.SurveyVersion,
        SurveyKind = impression.SurveyKind,
        Trigger = impression.Trigger,
        Touchpoint = impression.Touchpoint,
        VisitorId = impression.VisitorId,
        CustomerId = impression.CustomerId,
        PartnerId = impression.PartnerId,
        CampaignId = impression.CampaignId,
        TrafficSource = impression.TrafficSource,
    };

    private DecisionResponse Nothing(string reason, DateTimeOffset? retryAfter = null)
    {
        metrics.Decided(reason);
        return new DecisionResponse(false, reason, null, null, retryAfter);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The showing could not be stored: nothing shown")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable: surveys are not shown until it is back")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
