using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Redis;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Infrastructure.Configurations;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// The "which survey now" decision. Definitions come from the in-memory catalog; the only store reads are the frequency
/// records in Redis (the survey's own and the shopper's last contact, under every identity the request presents, then the
/// shared recontact record). A "show" commits the impression and its
/// <see cref="SurveyShown"/> event together before answering (<see cref="ImpressionWriter"/>, a group commit). Without
/// Redis nothing is shown: showing blind could break the frequency promises. A decision under an <c>Idempotency-Key</c>
/// takes <see cref="DecideOnceAsync"/> instead, the only path that touches the database before deciding.
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

    /// <summary>Namespaces the advisory lock of a decision's <c>Idempotency-Key</c> (coupons locks <c>order:…</c> in its own database).</summary>
    private const string KeyLockPrefix = "survey-decision-key:";

    public async Task<DecisionResponse> DecideAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        var choice = await ChooseAsync(request, now);
        if (choice.Impression is not { } impression)
        {
            return choice.Nothing!;
        }

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
        return Showing(impression, choice.Survey!.Survey.Name, choice.Survey.Questions);
    }

    /// <summary>
    /// A decision under an <c>Idempotency-Key</c>: a storefront retrying a timed-out decision must not count a second
    /// showing. The key's retries queue on a transaction-scoped advisory lock (across instances), so each finds what the
    /// first stored: the showing that holds the key (<see cref="Impression.IdempotencyKey"/>, unique) is replayed, with no
    /// new impression and no new event; another request under that key gets null (a 409). A decision that showed nothing
    /// stores nothing, so its retry is decided again (nothing was counted). The showing and its event commit in the lock's
    /// transaction, not in the group commit.
    /// </summary>
    public async Task<DecisionResponse?> DecideOnceAsync(
        DecisionRequest request, string idempotencyKey, SurveysDbContext db, CancellationToken cancellationToken)
    {
        var fingerprint = IdempotencyKeys.Fingerprint(request);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({KeyLockPrefix + idempotencyKey}, 0))", cancellationToken);
        var earlier = await db.Impressions.AsNoTracking().SingleOrDefaultAsync(row => row.IdempotencyKey == idempotencyKey, cancellationToken);
        if (earlier is not null)
        {
            return IdempotencyKeys.Matches(earlier.RequestHash, fingerprint) ? await ReplayAsync(earlier, db, cancellationToken) : null;
        }

        var now = Clock.Now(timeProvider);
        var choice = await ChooseAsync(request, now, idempotencyKey, fingerprint);
        if (choice.Impression is not { } impression)
        {
            return choice.Nothing!;
        }

        db.Impressions.Add(impression);
        db.AddIntegrationEvent(Shown(impression, now));
        try
        {
            // Not cancellable from here: the frequency records are claimed, and the caller's retry should find this showing.
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ImpressionConfiguration.IdempotencyKeyIndex))
        {
            // An email link took the key meanwhile: a different request under the same key.
            return null;
        }
        catch (Exception exception) when (exception is DbUpdateException or NpgsqlException or TimeoutException)
        {
            LogStoreUnavailable(logger, exception);
            return Nothing(DecisionReasons.StoreUnavailable);
        }

        metrics.Decided(DecisionReasons.Shown);
        return Showing(impression, choice.Survey!.Survey.Name, choice.Survey.Questions);
    }

    /// <summary>
    /// The survey to show and its showing (not yet stored), or why nothing is shown. Reads the shopper's frequency records
    /// under every identity the request presents and claims them (the survey's own and the last contact, then the shared
    /// contact record) in Redis.
    /// </summary>
    private async Task<Choice> ChooseAsync(DecisionRequest request, DateTimeOffset now, string? idempotencyKey = null, string? fingerprint = null)
    {
        var candidates = catalog.Current.Where(live => Targeting.Fits(live.Survey, request, now)).ToList();
        if (candidates.Count == 0)
        {
            return new Choice(Nothing(DecisionReasons.NoEligibleSurvey));
        }

        var visitorId = request.VisitorId!;
        var shopper = new Shopper(visitorId, request.CustomerId, request.Email);
        LiveSurvey? chosen = null;
        var chosenState = FrequencyState.None;
        try
        {
            var records = await frequency.ReadAsync([.. candidates.Select(live => live.Id)], shopper);
            for (var index = 0; index < candidates.Count && chosen is null; index++)
            {
                if (FrequencyRule.Allows(candidates[index].Survey, records.Surveys[index], now))
                {
                    chosen = candidates[index];
                    chosenState = records.Surveys[index];
                }
            }

            if (chosen is null)
            {
                await LinkAsync(records, shopper);
                return new Choice(Nothing(DecisionReasons.Frequency));
            }

            // The shopper's last contact as surveys knows it, under any of their identities: the shared record below keys
            // only the identities each claim presented, so it cannot tell that a new visitor id with a known customer id
            // or email is a shopper it saw under another visitor id.
            if (records.LastContact.LastShownAt is { } contactedAt && now - contactedAt < frequency.GlobalCooldown)
            {
                await LinkAsync(records, shopper);
                return new Choice(Nothing(DecisionReasons.GlobalCooldown, contactedAt + frequency.GlobalCooldown));
            }

            // The survey's own record and the last contact first (compare and set over every identity: a racing decision
            // for this shopper loses here), then the shared contact record; if that refuses, the survey's record goes
            // back to what it was and the last contact becomes the contact that refused.
            if (!await frequency.TryRecordShownAsync(chosen.Id, shopper, chosenState, now, records.LastContact))
            {
                return new Choice(Nothing(DecisionReasons.Frequency));
            }

            var claim = await contacts.TryClaimAsync(new ContactSubject(visitorId, request.CustomerId, request.Email), ContactChannel);
            if (!claim.Granted)
            {
                await frequency.RevertShownAsync(chosen.Id, shopper, chosenState, now, records.LastContact, claim.LastContactAt);
                return new Choice(Nothing(DecisionReasons.GlobalCooldown, claim.RetryAfter));
            }
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            if (outage.ShouldWarn())
            {
                LogRedisUnavailable(logger, exception);
            }

            return new Choice(Nothing(DecisionReasons.RecordUnavailable));
        }

        return new Choice(null, chosen, new Impression
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
            CampaignId = DimensionValues.Normalize(request.CampaignId),
            TrafficSource = request.TrafficSource,
            Segments = [.. (request.Segments ?? []).Distinct(StringComparer.Ordinal)],
            ShownAt = now,
            IdempotencyKey = idempotencyKey,
            RequestHash = fingerprint,
        });
    }

    /// <summary>A refusal that read an identity not yet linked to the shopper's others links it: only a write when one lags.</summary>
    private Task LinkAsync(ShopperRecords records, Shopper shopper) =>
        records.Unlinked.Count == 0 ? Task.CompletedTask : frequency.LinkAsync(records.Unlinked, shopper);

    /// <summary>The decision that stored <paramref name="earlier"/> again: its survey as that showing showed it.</summary>
    private async Task<DecisionResponse> ReplayAsync(Impression earlier, SurveysDbContext db, CancellationToken cancellationToken)
    {
        metrics.Decided(DecisionReasons.Replayed);
        if (catalog.Find(earlier.SurveyId) is { } live && live.Survey.Version == earlier.SurveyVersion)
        {
            return Showing(earlier, live.Survey.Name, live.Questions);
        }

        // Paused or edited since: the stored definition.
        var name = await db.Surveys.AsNoTracking().Where(survey => survey.Id == earlier.SurveyId).Select(survey => survey.Name).SingleAsync(cancellationToken);
        var questions = await db.SurveyVersions.AsNoTracking()
            .Where(version => version.SurveyId == earlier.SurveyId && version.Version == earlier.SurveyVersion)
            .Select(version => version.Questions).SingleAsync(cancellationToken);
        return Showing(earlier, name, Json.Read<List<Question>>(questions));
    }

    private static DecisionResponse Showing(Impression impression, string name, IReadOnlyList<Question> questions) =>
        new(true, null, impression.Id, new ShownSurvey(impression.SurveyId, impression.SurveyVersion, impression.SurveyKind, name, questions));

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

    /// <summary>What <see cref="ChooseAsync"/> decided: a <see cref="Survey"/> and its <see cref="Impression"/> to store, or <see cref="Nothing"/>.</summary>
    private sealed record Choice(DecisionResponse? Nothing, LiveSurvey? Survey = null, Impression? Impression = null);

    [LoggerMessage(Level = LogLevel.Error, Message = "The showing could not be stored: nothing shown")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable: surveys are not shown until it is back")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
