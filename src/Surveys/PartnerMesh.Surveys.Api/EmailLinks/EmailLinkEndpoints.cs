using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Outbox;
using PartnerMesh.Redis;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Infrastructure.Configurations;
using PartnerMesh.Surveys.Api.Responses;
using PartnerMesh.Data;

namespace PartnerMesh.Surveys.Api.EmailLinks;

public sealed record IssueEmailLinkRequest
{
    [Required]
    public string? OrderId { get; init; }

    public string? VisitorId { get; init; }
    public string? CustomerId { get; init; }

    /// <summary>The address the link is sent to: only claims the shared contact record (hashed there), never stored.</summary>
    public string? Email { get; init; }

    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? TrafficSource { get; init; }
    public IReadOnlyList<string>? Segments { get; init; }
    public int? ExpiresInHours { get; init; }
}

public sealed record EmailLinkView(string Token, Guid ImpressionId, Guid SurveyId, DateTimeOffset ExpiresAt);

/// <summary>The survey behind a link, for the page that shows it.</summary>
public sealed record EmailLinkSurvey(Guid ImpressionId, Guid SurveyId, int Version, string Name, IReadOnlyList<Question> Questions, DateTimeOffset ExpiresAt);

/// <summary>
/// Post-purchase surveys by email: the storefront (or its email tool) asks for a signed link per order; the link opens the
/// survey's version at issue time and takes one response before it expires. Issuing a link is a showing
/// (<c>SurveyShown</c>, trigger <c>email-link</c>), so response rates cover email too.
/// </summary>
public static partial class EmailLinkEndpoints
{
    /// <summary>Namespaces the advisory lock that queues issues of one survey and order.</summary>
    private const string OrderLockPrefix = "survey-email-link-order:";

    /// <summary>The channel an email link records in the shared contact-frequency record.</summary>
    public const string ContactChannel = "survey-email";

    public static RouteGroupBuilder MapEmailLinkEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/surveys").WithTags("Email links").RequireAuthorization(PartnerMeshPolicies.Storefront);
        group.MapPost("/surveys/{id:guid}/email-links", IssueEmailLink).WithName(nameof(IssueEmailLink))
            .WithSummary("Issue the signed, expiring, single-use link for one order (the same link again for the same order or Idempotency-Key)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/email-links/{token}", OpenEmailLink).WithName(nameof(OpenEmailLink))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("/email-links/{token}/responses", RespondThroughEmailLink).WithName(nameof(RespondThroughEmailLink))
            .WithSummary("Answer through the link once (the same answers again get the stored response, 200)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone);
        return group;
    }

    /// <summary>
    /// The order id already makes issuing idempotent; an <c>Idempotency-Key</c> also refuses (409) its reuse for another
    /// request. The email is not compared: it is never stored, not even hashed here.
    /// </summary>
    private static async Task<Results<Created<EmailLinkView>, Ok<EmailLinkView>, ValidationProblem, ProblemHttpResult>> IssueEmailLink(
        Guid id, IssueEmailLinkRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, SurveysDbContext db, EmailLinkSigner signer, IOptions<SurveysOptions> options,
        ContactFrequencyRecord contacts, FrequencyRecord frequency, RedisOutage outage, HttpContext httpContext, ILoggerFactory loggers,
        TimeProvider timeProvider, SurveysMetrics metrics, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        if (request is null || string.IsNullOrWhiteSpace(request.OrderId) || request.OrderId.Length > Targeting.MaxOrderIdLength || !StoredText.IsStorable(request.OrderId))
        {
            errors.Add("orderId", $"An orderId of 1 to {Targeting.MaxOrderIdLength} characters is required.");
        }

        // Checked as a number before it becomes a TimeSpan: TimeSpan.FromHours(int.MaxValue) throws.
        var maxHours = options.Value.MaxEmailLinkLifetime.TotalHours;
        if (request?.ExpiresInHours is { } hours && (hours < 1 || hours > maxHours))
        {
            errors.Add("expiresInHours", $"expiresInHours is between 1 and {maxHours}.");
        }

        // The visitor id is trimmed below, as decisions and responses trim it: a blank one is no id.
        if (request?.VisitorId is { } visitor && !Targeting.IsTrimmedId(visitor))
        {
            errors.Add("visitorId", $"visitorId has 1 to {Targeting.MaxIdLength} characters once trimmed.");
        }

        if (request is not null)
        {
            Targeting.CheckContext(errors, request.CustomerId, orderId: null, request.PartnerId, request.CampaignId, request.TrafficSource);
        }

        // The address the link is sent to, checked as it is keyed (folded by the shared rule): an email of invisible
        // characters only, or "\u200b@\u200b", is no address; a 254-character address with a zero-width space is one.
        if (request?.Email is { } email && CustomerEmail.Normalize(email) is null)
        {
            errors.Add("email", CustomerEmail.Rule);
        }

        if (request?.Segments is { Count: > Targeting.MaxSegments } || request?.Segments?.Any(segment => !SurveyRules.IsKey(segment)) == true)
        {
            errors.Add("segments", $"At most {Targeting.MaxSegments} segments, each {SurveyRules.KeyRule}.");
        }

        if (errors.ToDictionary() is { } problems)
        {
            return TypedResults.ValidationProblem(problems);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        // Taken in as decisions and responses take them (trimmed ids; campaign and traffic source as analytics takes them).
        request = request! with
        {
            VisitorId = request.VisitorId?.Trim(), CustomerId = request.CustomerId?.Trim(),
            CampaignId = DimensionValues.Normalize(request.CampaignId), TrafficSource = DimensionValues.Normalize(request.TrafficSource),
        };
        var lifetime = request.ExpiresInHours is { } asked ? TimeSpan.FromHours(asked) : options.Value.EmailLinkLifetime;

        var requestHash = Json.Hash(new { surveyId = id, request = request! with { Email = null } });
        if (await IssuedBeforeAsync(db, idempotencyKey, cancellationToken) is { } earlier)
        {
            return Replay(signer, earlier, requestHash);
        }

        var survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(survey => survey.Id == id, cancellationToken);
        if (survey is null)
        {
            return Problems.NotFound("Survey not found", $"No survey {id} exists.");
        }

        if (survey.Trigger != Triggers.PostPurchase || !survey.Touchpoints.Contains(Touchpoints.Email))
        {
            return Problems.Refused(StatusCodes.Status422UnprocessableEntity, EmailLinkResults.NotAnEmailSurvey, "Not an email survey",
                "Email links are for post-purchase surveys with the email touchpoint.");
        }

        // Issues of one order queue here, across instances, until the first commits: a parallel retry then finds its link
        // instead of being refused by the frequency record the first one claimed.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"SELECT pg_advisory_xact_lock(hashtextextended({OrderLockPrefix + id.ToString("N") + ":" + request!.OrderId}, 0))", cancellationToken);
        if (await ExistingAsync(db, id, request!.OrderId!, cancellationToken) is { } existing)
        {
            return TypedResults.Ok(View(signer, existing));
        }

        // The same eligibility as an on-site decision (schedule, pause, partner, segment, sampling, then the survey's
        // frequency for this shopper), before the shared contact slot is claimed: a refused link records nothing.
        var now = Clock.Now(timeProvider);
        var visitorId = VisitorOf(request);
        var shopper = new Shopper(visitorId, request.CustomerId, request.Email);
        var target = new DecisionRequest
        {
            VisitorId = visitorId, CustomerId = request.CustomerId, Trigger = Triggers.PostPurchase, Touchpoint = Touchpoints.Email,
            PartnerId = request.PartnerId, Segments = request.Segments,
        };
        if (Targeting.Rejection(survey, target, now) is { } rejection)
        {
            return NotEligible(rejection, metrics);
        }

        // The survey's record first (compare and set, as decisions do), then the shared contact record; if that refuses,
        // the survey's record goes back. The contact id is this survey and order, so a retried issue (after a failed
        // write) is granted by its own claim.
        FrequencyState previous;
        ContactClaim claim;
        try
        {
            if (await RecordShownAsync(frequency, survey, shopper, now) is not { } recorded)
            {
                // A parallel issue of this very order may have taken the record: then its link is the answer.
                return await ExistingAsync(db, id, request.OrderId!, cancellationToken) is { } raced
                    ? TypedResults.Ok(View(signer, raced))
                    : NotEligible(Eligibility.Frequency, metrics);
            }

            previous = recorded;
            claim = await contacts.TryClaimAsync(ContactSubjectOf(request), ContactChannel, contactId: ContactIdOf(survey.Id, request.OrderId!));
            if (!claim.Granted)
            {
                await frequency.RevertShownAsync(survey.Id, shopper, previous, now);
            }
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            if (outage.ShouldWarn())
            {
                LogContactRecordUnavailable(loggers.CreateLogger(typeof(EmailLinkEndpoints)), exception);
            }

            metrics.LinkRequested(EmailLinkResults.ContactRecordUnavailable);
            httpContext.Response.Headers.RetryAfter = "60";
            return Problems.Refused(StatusCodes.Status503ServiceUnavailable, EmailLinkResults.ContactRecordUnavailable, "Contact record unavailable",
                "The frequency and contact records cannot be read, so no link is issued; try again later.");
        }

        if (!claim.Granted)
        {
            metrics.LinkRequested(EmailLinkResults.ContactFrequency);
            return ContactRefused(httpContext, claim.RetryAfter ?? timeProvider.GetUtcNow() + contacts.GlobalCooldown, timeProvider);
        }

        var impression = new Impression
        {
            Id = Guid.CreateVersion7(now),
            SurveyId = survey.Id,
            SurveyVersion = survey.Version,
            SurveyKind = survey.Kind,
            Trigger = Triggers.EmailLink,
            Touchpoint = Touchpoints.Email,
            VisitorId = visitorId,
            CustomerId = request.CustomerId,
            OrderId = request.OrderId,
            PartnerId = request.PartnerId,
            CampaignId = DimensionValues.Normalize(request.CampaignId),
            TrafficSource = request.TrafficSource,
            Segments = [.. (request.Segments ?? []).Distinct(StringComparer.Ordinal)],
            ShownAt = now,
            ExpiresAt = now + lifetime,
            IdempotencyKey = idempotencyKey,
            RequestHash = idempotencyKey is null ? null : requestHash,
        };
        db.Impressions.Add(impression);
        db.AddIntegrationEvent(DecisionService.Shown(impression, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ImpressionConfiguration.EmailLinkOrderIndex))
        {
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync(CancellationToken.None);
            return TypedResults.Ok(View(signer, (await ExistingAsync(db, id, request.OrderId!, cancellationToken))!));
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ImpressionConfiguration.IdempotencyKeyIndex))
        {
            // A concurrent request with the same idempotency key (for another order: the same order waits on the lock above).
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync(CancellationToken.None);
            return Replay(signer, (await IssuedBeforeAsync(db, idempotencyKey, cancellationToken))!, requestHash);
        }
        catch (Exception exception) when (exception is DbUpdateException or Npgsql.NpgsqlException or TimeoutException)
        {
            // Nothing was shown: give the survey's record back so that a retry of this order is not refused as "once" shown.
            await RevertQuietlyAsync(frequency, survey.Id, shopper, previous, now);
            throw;
        }

        metrics.LinkIssued();
        return TypedResults.Created($"/api/surveys/email-links/{signer.Sign(Claims(impression))}", View(signer, impression));
    }

    private static async Task<Results<Ok<EmailLinkSurvey>, ProblemHttpResult>> OpenEmailLink(
        string token, SurveysDbContext db, EmailLinkSigner signer, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (impression, problem) = await CheckAsync(token, db, signer, timeProvider, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await db.Responses.AsNoTracking().AnyAsync(response => response.ImpressionId == impression!.Id, cancellationToken))
        {
            return UsedLink();
        }

        var survey = await db.Surveys.AsNoTracking().SingleAsync(survey => survey.Id == impression!.SurveyId, cancellationToken);
        var questions = await db.SurveyVersions.AsNoTracking().Where(row => row.SurveyId == survey.Id && row.Version == impression!.SurveyVersion)
            .Select(row => row.Questions).SingleAsync(cancellationToken);
        return TypedResults.Ok(new EmailLinkSurvey(impression!.Id, survey.Id, impression.SurveyVersion, survey.Name, Json.Read<List<Question>>(questions), impression.ExpiresAt!.Value));
    }

    private static async Task<Results<Created<ResponseView>, Ok<ResponseView>, ValidationProblem, ProblemHttpResult>> RespondThroughEmailLink(
        string token, EmailLinkResponseRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, SurveysDbContext db,
        EmailLinkSigner signer, ResponseService responses, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (impression, problem) = await CheckAsync(token, db, signer, timeProvider, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (request?.Answers is not { Count: > 0 and <= SurveyRules.MaxQuestions })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["answers"] = [$"1 to {SurveyRules.MaxQuestions} answers are required."] });
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        // A retry of the same answers (after a timeout) gets the stored response (200); other answers find the link used.
        var result = await responses.SubmitThroughLinkAsync(impression!, request.Answers, idempotencyKey, cancellationToken);
        return result.Outcome == SubmitOutcome.AlreadySubmitted ? UsedLink() : ResponseEndpoints.ToResult(result);
    }

    private static async Task<(Impression? Impression, ProblemHttpResult? Problem)> CheckAsync(
        string token, SurveysDbContext db, EmailLinkSigner signer, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (signer.Read(token) is not { } claims)
        {
            return (null, Problems.Refused(StatusCodes.Status400BadRequest, "link-invalid", "Invalid link", "The link is malformed or was altered."));
        }

        var impression = await db.Impressions.AsNoTracking().SingleOrDefaultAsync(row => row.Id == claims.ImpressionId, cancellationToken);
        if (impression is null || impression.SurveyId != claims.SurveyId || impression.Trigger != Triggers.EmailLink)
        {
            return (null, Problems.NotFound("Link not found", "The link's survey showing does not exist."));
        }

        if (timeProvider.GetUtcNow() >= claims.ExpiresAt)
        {
            return (null, Problems.Refused(StatusCodes.Status410Gone, "link-expired", "Link expired", $"The link expired at {claims.ExpiresAt:O}."));
        }

        return (impression, null);
    }

    /// <summary>The shopper the link is for, as the showing's visitor and the survey's frequency record know them.</summary>
    public static string VisitorOf(IssueEmailLinkRequest request) => request.VisitorId ?? request.CustomerId ?? $"order:{request.OrderId}";

    /// <summary>
    /// Records the showing in the survey's frequency record (under every identity of the shopper) if its rule allows one:
    /// the state it replaced, or null when the rule refuses. A compare and set that lost to a parallel issue is read and
    /// decided again.
    /// </summary>
    private static async Task<FrequencyState?> RecordShownAsync(FrequencyRecord frequency, Survey survey, Shopper shopper, DateTimeOffset now)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var records = await frequency.ReadAsync([survey.Id], shopper);
            var state = records.Surveys[0];
            if (!FrequencyRule.Allows(survey, state, now))
            {
                if (records.Unlinked.Contains(survey.Id))
                {
                    await frequency.LinkAsync([survey.Id], shopper);
                }

                return null;
            }

            if (await frequency.TryRecordShownAsync(survey.Id, shopper, state, now))
            {
                return state;
            }
        }

        return null;
    }

    private static async Task RevertQuietlyAsync(FrequencyRecord frequency, Guid surveyId, Shopper shopper, FrequencyState previous, DateTimeOffset now)
    {
        try
        {
            await frequency.RevertShownAsync(surveyId, shopper, previous, now);
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            // The record keeps the showing: at worst a retry of this order is refused as already shown.
        }
    }

    private static ProblemHttpResult NotEligible(string eligibility, SurveysMetrics metrics)
    {
        metrics.LinkRequested(EmailLinkResults.NotEligible);
        return Eligibility.NotEligible(eligibility, $"The survey is not for this shopper now ({eligibility}); no link was issued.");
    }

    /// <summary>
    /// The shopper's identities for the shared record: visitor, customer and email as given; a link that names none of
    /// them is claimed under its order (<c>order:{orderId}</c>, the showing's visitor), so it is still one contact.
    /// </summary>
    public static ContactSubject ContactSubjectOf(IssueEmailLinkRequest request)
    {
        var subject = new ContactSubject(request.VisitorId, request.CustomerId, request.Email);
        return subject.IsEmpty ? new ContactSubject(VisitorId: $"order:{request.OrderId}") : subject;
    }

    /// <summary><c>email-link:{survey}:{hash of the order id}</c>: the contact id may not hold '|', an order id may.</summary>
    public static string ContactIdOf(Guid surveyId, string orderId) =>
        $"email-link:{surveyId:N}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(orderId)))[..32]}";

    private static ProblemHttpResult ContactRefused(HttpContext httpContext, DateTimeOffset retryAfter, TimeProvider timeProvider)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling((retryAfter - timeProvider.GetUtcNow()).TotalSeconds));
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            "The shopper was contacted (a survey or an offer) within the shared recontact cooldown; no link was issued.",
            statusCode: StatusCodes.Status409Conflict, title: "Shopper contacted recently",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["reason"] = EmailLinkResults.ContactFrequency,
                ["retryAfter"] = retryAfter,
            });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared contact-frequency record is unavailable: no email links are issued")]
    private static partial void LogContactRecordUnavailable(ILogger logger, Exception exception);

    private static ProblemHttpResult UsedLink() =>
        Problems.Refused(StatusCodes.Status409Conflict, "link-used", "Link already used", "This link was already used to answer the survey.");

    private static Task<Impression?> ExistingAsync(SurveysDbContext db, Guid surveyId, string orderId, CancellationToken cancellationToken) =>
        db.Impressions.AsNoTracking()
            .SingleOrDefaultAsync(row => row.SurveyId == surveyId && row.OrderId == orderId && row.Trigger == Triggers.EmailLink, cancellationToken);

    private static async Task<Impression?> IssuedBeforeAsync(SurveysDbContext db, string? idempotencyKey, CancellationToken cancellationToken) =>
        idempotencyKey is null
            ? null
            : await db.Impressions.AsNoTracking().SingleOrDefaultAsync(row => row.IdempotencyKey == idempotencyKey, cancellationToken);

    private static Results<Created<EmailLinkView>, Ok<EmailLinkView>, ValidationProblem, ProblemHttpResult> Replay(
        EmailLinkSigner signer, Impression earlier, string requestHash) =>
        earlier.RequestHash == requestHash
            ? TypedResults.Ok(View(signer, earlier))
            // Decisions and email links share one key space: say which the key stands for.
            : IdempotencyKeys.Reused(earlier.Trigger == Triggers.EmailLink
                ? $"Idempotency-Key '{earlier.IdempotencyKey}' was already used to issue another email link."
                : $"Idempotency-Key '{earlier.IdempotencyKey}' was already used for a survey decision; keys are unique across decisions and links.");

    private static EmailLinkClaims Claims(Impression impression) => new(impression.Id, impression.SurveyId, impression.ExpiresAt!.Value);

    private static EmailLinkView View(EmailLinkSigner signer, Impression impression) =>
        new(signer.Sign(Claims(impression)), impression.Id, impression.SurveyId, impression.ExpiresAt!.Value);
}
