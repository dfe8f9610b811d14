using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Redis;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Infrastructure.Configurations;

namespace PartnerMesh.Surveys.Api.Responses;

public enum SubmitOutcome
{
    Created,
    Replayed,
    Invalid,
    NotFound,
    AlreadySubmitted,
    ContextMismatch,
    IdempotencyConflict,
    NotEligible,
    EmailLinkShowing,
}

/// <param name="Eligibility">For <see cref="SubmitOutcome.NotEligible"/>: why (an <see cref="Decisions.Eligibility"/> code).</param>
public sealed record SubmitResult(
    SubmitOutcome Outcome, ResponseView? Response = null, Dictionary<string, string[]>? Errors = null, string? Detail = null, string? Eligibility = null);

/// <summary>
/// Stores responses: validated against the version they answer, one per showing (and one per visitor and one per customer
/// where the survey's frequency allows only one; one per shopper and cooldown for a cooldown survey answered without a
/// showing), the response and its <see cref="SurveyResponseSubmitted"/> event in one transaction.
/// </summary>
public sealed class ResponseService(
    SurveysDbContext db, SurveyCatalog catalog, FrequencyRecord frequency, TimeProvider timeProvider, SurveysMetrics metrics)
{
    /// <summary>Namespaces the advisory locks that queue one shopper's submissions to a cooldown survey without a showing.</summary>
    private const string ResponseLockPrefix = "survey-response-shopper:";

    public async Task<SubmitResult> SubmitAsync(SubmitResponseRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (request.ImpressionId is { } impressionId)
        {
            var impression = await db.Impressions.AsNoTracking().SingleOrDefaultAsync(row => row.Id == impressionId, cancellationToken);
            if (impression is null)
            {
                return Refused(SubmitOutcome.NotFound, $"No survey showing {impressionId} exists.");
            }

            // The link is the way in to its showing: its expiry and single use (and its idempotent retries) apply there.
            if (impression.Trigger == Triggers.EmailLink)
            {
                return Refused(SubmitOutcome.EmailLinkShowing,
                    $"Showing {impressionId} is an email link's: answer it through POST /api/surveys/email-links/{{token}}/responses with the link's token.");
            }

            if (!string.Equals(impression.VisitorId, request.VisitorId, StringComparison.Ordinal)
                || (request.SurveyId is { } surveyId && surveyId != impression.SurveyId))
            {
                return Refused(SubmitOutcome.ContextMismatch, "The showing was for another visitor or survey.");
            }

            // The showing's context stands; the storefront may add what it learnt since (the order placed, the login).
            var context = new ResponseContext(impression.VisitorId, impression.CustomerId ?? request.CustomerId, impression.OrderId ?? request.OrderId,
                impression.PartnerId, impression.CampaignId, impression.Touchpoint, impression.Segments, impression.TrafficSource);
            return await StoreAsync(impression.SurveyId, impression.SurveyVersion, impression, context, request.Answers, idempotencyKey, Json.Hash(request), cancellationToken);
        }

        if (request.SurveyId is not { } id)
        {
            return Refused(SubmitOutcome.Invalid, null, new() { ["impressionId"] = ["An impressionId (or a surveyId with its context) is required."] });
        }

        var survey = catalog.Find(id)?.Survey
            ?? await db.Surveys.AsNoTracking().SingleOrDefaultAsync(row => row.Id == id, cancellationToken);
        if (survey is null)
        {
            return Refused(SubmitOutcome.NotFound, $"No survey {id} exists.");
        }

        // Without a showing the storefront showed the survey on its own (an event-triggered widget, say): the survey must
        // be live and its audience must include the response's context (touchpoint, partner, segment), else its answers
        // would count for traffic the survey does not target. The trigger and the sample are the storefront's own call.
        var target = new DecisionRequest
        {
            VisitorId = request.VisitorId, CustomerId = request.CustomerId, Trigger = survey.Trigger, EventName = survey.EventName,
            Touchpoint = request.Touchpoint, PartnerId = request.PartnerId, Segments = request.Segments,
        };
        if (Targeting.Rejection(survey, target, Clock.Now(timeProvider)) is { } rejection and not Eligibility.Sampling)
        {
            metrics.Submitted(EmailLinkResults.NotEligible);
            return new SubmitResult(SubmitOutcome.NotEligible,
                Detail: $"Survey {id} is not for this response's context now ({rejection}); nothing was stored.", Eligibility: rejection);
        }

        var direct = new ResponseContext(request.VisitorId!, request.CustomerId, request.OrderId, request.PartnerId, DimensionValues.Normalize(request.CampaignId),
            request.Touchpoint!, [.. (request.Segments ?? []).Distinct(StringComparer.Ordinal)], request.TrafficSource);
        return await StoreAsync(survey.Id, survey.Version, null, direct, request.Answers, idempotencyKey, Json.Hash(request), cancellationToken);
    }

    /// <summary>
    /// A response through an email link: the link's showing gives the context; the link takes one response. The showing
    /// is the idempotency key: the same answers again (a retry after a timeout) get the stored response back.
    /// </summary>
    public Task<SubmitResult> SubmitThroughLinkAsync(Impression impression, IReadOnlyList<Answer>? answers, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var context = new ResponseContext(impression.VisitorId, impression.CustomerId, impression.OrderId, impression.PartnerId,
            impression.CampaignId, impression.Touchpoint, impression.Segments, impression.TrafficSource);
        return StoreAsync(impression.SurveyId, impression.SurveyVersion, impression, context, answers, idempotencyKey, Json.Hash(answers), cancellationToken);
    }

    public async Task<ResponseView?> FindByImpressionAsync(Guid impressionId, CancellationToken cancellationToken) =>
        await db.Responses.AsNoTracking().SingleOrDefaultAsync(row => row.ImpressionId == impressionId, cancellationToken) is { } row
            ? ResponseView.From(row)
            : null;

    private async Task<SubmitResult> StoreAsync(
        Guid surveyId, int version, Impression? impression, ResponseContext context, IReadOnlyList<Answer>? answers,
        string? idempotencyKey, string hash, CancellationToken cancellationToken)
    {
        var (survey, questions) = await DefinitionAsync(surveyId, version, cancellationToken);
        if (AnswerRules.Validate(questions, answers, out var validated) is { } errors)
        {
            return Refused(SubmitOutcome.Invalid, null, errors);
        }

        var now = Clock.Now(timeProvider);
        var throughLink = impression?.Trigger == Triggers.EmailLink;
        // once and until-submitted: one response per shopper — the visitor id and the customer id, each unique per survey,
        // as the decision's frequency record refuses a second showing under either. cooldown: one per showing, and without
        // a showing one per shopper and cooldown (the decision shows it again once the cooldown has passed).
        var oncePerShopper = !throughLink && survey.FrequencyMode != FrequencyModes.Cooldown;
        var perCooldown = !throughLink && impression is null && survey.FrequencyMode == FrequencyModes.Cooldown;
        var customerKey = string.IsNullOrWhiteSpace(context.CustomerId) ? null : context.CustomerId.Trim();
        var response = new Submission
        {
            Id = Guid.CreateVersion7(now),
            SurveyId = surveyId,
            SurveyVersion = version,
            SurveyKind = survey.Kind,
            ImpressionId = impression?.Id,
            VisitorKey = oncePerShopper ? context.VisitorId : null,
            CustomerKey = oncePerShopper ? customerKey : null,
            VisitorId = context.VisitorId,
            CustomerId = context.CustomerId,
            OrderId = context.OrderId,
            PartnerId = context.PartnerId,
            CampaignId = context.CampaignId,
            Touchpoint = context.Touchpoint,
            Segments = [.. context.Segments],
            TrafficSource = context.TrafficSource,
            NpsScore = validated.NpsScore,
            CsatScore = validated.CsatScore,
            ReasonCodes = [.. validated.ReasonCodes],
            Answers = Json.Write(validated.Answers),
            FreeText = validated.FreeText,
            IdempotencyKey = idempotencyKey,
            RequestHash = hash,
            SubmittedAt = now,
        };
        // A replay is answered from what is stored: cheaper than a refused insert, and no database error logged for it.
        if (await KeyedAnswerAsync(idempotencyKey, hash, response.ImpressionId, cancellationToken) is { } keyed)
        {
            return keyed;
        }

        // A cooldown has no unique index to lean on: the shopper's submissions queue on their identities' advisory locks
        // (across instances) until this one commits, so of two racing ones the second sees the first within the cooldown.
        await using var transaction = perCooldown ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (perCooldown)
        {
            foreach (var lockKey in ShopperLockKeys(surveyId, context.VisitorId, customerKey))
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({lockKey}, 0))", cancellationToken);
            }
        }

        var since = perCooldown ? now - TimeSpan.FromMinutes(survey.CooldownMinutes ?? 0) : (DateTimeOffset?)null;
        // The key is looked up again once an earlier answer is found: a request with the same key may have committed it
        // since the first look, and then the key's reuse is the answer, whatever the timing.
        if (await EarlierAnswerAsync(response, since, cancellationToken) is { } earlier)
        {
            return await KeyedAnswerAsync(idempotencyKey, hash, response.ImpressionId, cancellationToken)
                ?? AnsweredBefore(earlier, response, idempotencyKey, hash, throughLink);
        }

        db.Responses.Add(response);
        db.AddIntegrationEvent(Submitted(response, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(SubmissionConfiguration.ImpressionIndex)
            || exception.IsUniqueViolation(SubmissionConfiguration.VisitorIndex)
            || exception.IsUniqueViolation(SubmissionConfiguration.CustomerIndex)
            || exception.IsUniqueViolation(SubmissionConfiguration.IdempotencyKeyIndex))
        {
            // A concurrent submission of the same answer (or with the same idempotency key) committed between the checks above and this insert.
            db.ChangeTracker.Clear();
            if (transaction is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
            }

            return await KeyedAnswerAsync(idempotencyKey, hash, response.ImpressionId, cancellationToken)
                ?? AnsweredBefore(await EarlierAnswerAsync(response, since, cancellationToken), response, idempotencyKey, hash, throughLink);
        }

        try
        {
            await frequency.RecordSubmittedAsync(surveyId, new Shopper(context.VisitorId, context.CustomerId), now);
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            // The response is stored; only "until submitted" may show the survey once more, and the database still refuses a second answer.
        }

        metrics.Submitted("ok");
        return new SubmitResult(SubmitOutcome.Created, ResponseView.From(response));
    }

    /// <summary>
    /// The survey and the questions of <paramref name="version"/>: from the catalog when that is the live version (most
    /// responses answer what was just shown), else from the database (a paused survey, an answer to an older version).
    /// </summary>
    private async Task<(Survey Survey, IReadOnlyList<Question> Questions)> DefinitionAsync(Guid surveyId, int version, CancellationToken cancellationToken)
    {
        if (catalog.Find(surveyId) is { } live && live.Survey.Version == version)
        {
            return (live.Survey, live.Questions);
        }

        var row = await db.Surveys.AsNoTracking().Where(survey => survey.Id == surveyId)
            .Join(db.SurveyVersions.Where(stored => stored.Version == version), survey => survey.Id, stored => stored.SurveyId,
                (survey, stored) => new { survey, stored.Questions })
            .SingleAsync(cancellationToken);
        return (row.survey, Json.Read<List<Question>>(row.Questions));
    }

    /// <summary>
    /// The stored answer that <paramref name="response"/> would repeat: for the same showing; by the same visitor or
    /// customer to a survey answered once per shopper; or, with <paramref name="since"/> (a cooldown survey answered
    /// without a showing), by the same visitor or customer since then.
    /// </summary>
    private Task<Submission?> EarlierAnswerAsync(Submission response, DateTimeOffset? since, CancellationToken cancellationToken) =>
        response.ImpressionId is null && response.VisitorKey is null && response.CustomerKey is null && since is null
            ? Task.FromResult<Submission?>(null)
            : db.Responses.AsNoTracking()
                .Where(row => (response.ImpressionId != null && row.ImpressionId == response.ImpressionId)
                    || (response.VisitorKey != null && row.SurveyId == response.SurveyId && row.VisitorKey == response.VisitorKey)
                    || (response.CustomerKey != null && row.SurveyId == response.SurveyId && row.CustomerKey == response.CustomerKey)
                    || (since != null && row.SurveyId == response.SurveyId && row.SubmittedAt > since
                        && (row.VisitorId == response.VisitorId || (response.CustomerId != null && row.CustomerId == response.CustomerId))))
                .OrderBy(row => row.SubmittedAt)
                .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The advisory locks of a shopper's submissions to a survey, one per identity, in one order (no deadlock between two).</summary>
    private static IEnumerable<string> ShopperLockKeys(Guid surveyId, string visitorId, string? customerKey) =>
        new[] { $"{ResponseLockPrefix}{surveyId:N}:visitor:{visitorId}", customerKey is null ? null : $"{ResponseLockPrefix}{surveyId:N}:customer:{customerKey}" }
            .OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>
    /// The answer stored under this idempotency key (keys are unique across responses): the stored answer for the same
    /// request, a refusal for another one (another showing, visitor or answers); null when the key is new or absent.
    /// </summary>
    private async Task<SubmitResult?> KeyedAnswerAsync(string? idempotencyKey, string hash, Guid? impressionId, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null
            || await db.Responses.AsNoTracking().SingleOrDefaultAsync(row => row.IdempotencyKey == idempotencyKey, cancellationToken) is not { } existing)
        {
            return null;
        }

        // An email link's hash covers only the answers: the same answers to another showing are another response.
        if (existing.RequestHash == hash && existing.ImpressionId == impressionId)
        {
            metrics.Submitted("replayed");
            return new SubmitResult(SubmitOutcome.Replayed, ResponseView.From(existing));
        }

        return Refused(SubmitOutcome.IdempotencyConflict, $"Idempotency-Key '{idempotencyKey}' was already used for another response.");
    }

    /// <summary>
    /// The same request again (same idempotency key and content; through an email link, the same showing and answers)
    /// gets the stored answer; anything else is refused.
    /// </summary>
    private SubmitResult AnsweredBefore(Submission? existing, Submission response, string? idempotencyKey, string hash, bool throughLink)
    {
        var sameRequest = existing is not null && existing.RequestHash == hash
            && (throughLink ? existing.ImpressionId == response.ImpressionId : idempotencyKey is not null && existing.IdempotencyKey == idempotencyKey);
        if (sameRequest)
        {
            metrics.Submitted("replayed");
            return new SubmitResult(SubmitOutcome.Replayed, ResponseView.From(existing!));
        }

        return Refused(SubmitOutcome.AlreadySubmitted, existing?.ImpressionId == response.ImpressionId && response.ImpressionId is not null
            ? "This showing was already answered."
            : existing is not null && existing.VisitorId != response.VisitorId
                ? "This customer already answered this survey."
                : "This visitor already answered this survey.");
    }

    public static SurveyResponseSubmitted Submitted(Submission response, DateTimeOffset now) => new()
    {
        EventId = Guid.CreateVersion7(now),
        OccurredAt = now,
        ResponseId = response.Id,
        SurveyId = response.SurveyId,
        SurveyVersion = response.SurveyVersion,
        SurveyKind = response.SurveyKind,
        Touchpoint = response.Touchpoint,
        VisitorId = response.VisitorId,
        ImpressionId = response.ImpressionId,
        CustomerId = response.CustomerId,
        OrderId = response.OrderId,
        PartnerId = response.PartnerId,
        CampaignId = response.CampaignId,
        TrafficSource = response.TrafficSource,
        NpsScore = response.NpsScore,
        CsatScore = response.CsatScore,
        ReasonCodes = response.ReasonCodes,
    };

    private SubmitResult Refused(SubmitOutcome outcome, string? detail, Dictionary<string, string[]>? errors = null)
    {
        metrics.Submitted(outcome switch
        {
            SubmitOutcome.Invalid => "invalid",
            SubmitOutcome.NotFound => "not-found",
            SubmitOutcome.AlreadySubmitted => "already-submitted",
            SubmitOutcome.IdempotencyConflict => "idempotency-key-reused",
            SubmitOutcome.EmailLinkShowing => "email-link-showing",
            _ => "context-mismatch",
        });
        return new SubmitResult(outcome, null, errors, detail);
    }
}

/// <summary>The context a response keeps, so insights join to attribution.</summary>
public sealed record ResponseContext(
    string VisitorId, string? CustomerId, string? OrderId, Guid? PartnerId, string? CampaignId, string Touchpoint,
    IReadOnlyList<string> Segments, string? TrafficSource);
