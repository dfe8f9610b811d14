using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>A click a storefront captured with its own redirect, registered server to server.</summary>
public sealed record RegisterClickRequest(
    [Required] string? Code, string? VisitorId, string? LandingUrl, string? Referrer, string? UserAgent, string? IpAddress,
    string? UtmSource, string? UtmMedium, string? UtmCampaign, string? UtmTerm, string? UtmContent,
    string? Gclid, string? Fbclid, string? Msclkid, string? Ttclid, string? LiFatId, string? Rdclid, string? Twclid);

public sealed record RegisterClickResponse(Guid ClickId, Guid PartnerId, Guid LinkId, string Code, string VisitorId, bool Duplicate);

public sealed record ClickSummaryResponse(Guid PartnerId, long Clicks, long DuplicateClicks, long UniqueVisitors, long PaidClicks, DateTimeOffset? LastClickAt);

public sealed record ClickLookupResponse(Guid ClickId, Guid PartnerId, string Code, DateTimeOffset OccurredAt);

public static class ClickEndpoints
{
    public static RouteGroupBuilder MapClickEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/clicks").WithTags("Clicks");
        group.MapPost("/", RegisterClick).WithName(nameof(RegisterClick)).RequireAuthorization(PartnerMeshPolicies.Storefront)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{clickId:guid}", GetClick).WithName(nameof(GetClick)).RequireAuthorization(PartnerMeshPolicies.Storefront)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/attribution/partners/{partnerId:guid}/clicks/summary", Summary).WithName("PartnerClickSummary")
            .WithTags("Clicks").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        return group;
    }

    /// <summary>
    /// Whose traffic a click id is: for a storefront (and promotions, on its behalf) that has only the click id a
    /// redirect gave it. The click's partner and when it happened, nothing about the shopper.
    /// </summary>
    private static async Task<Results<Ok<ClickLookupResponse>, ProblemHttpResult>> GetClick(
        Guid clickId, AttributionDbContext db, CancellationToken cancellationToken)
    {
        var click = await db.Clicks.AsNoTracking().Where(click => click.Id == clickId)
            .Select(click => new ClickLookupResponse(click.Id, click.PartnerId, click.Code, click.OccurredAt))
            .SingleOrDefaultAsync(cancellationToken);
        return click is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown click", detail: $"No click {clickId} is on record.")
            : TypedResults.Ok(click);
    }

    /// <summary>
    /// With an <c>Idempotency-Key</c> (the caller's own: keys are scoped to the API key or principal), a retry of the same
    /// request gets the first answer again (the same click, 201 or 200 as then) and records nothing; the key with another
    /// request is a 409. Without one, only a known visitor's repeats collapse.
    /// </summary>
    private static async Task<Results<Created<RegisterClickResponse>, Ok<RegisterClickResponse>, ValidationProblem, ProblemHttpResult>> RegisterClick(
        RegisterClickRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        ClaimsPrincipal user, ClickRecorder recorder, AttributionDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = LinkCode.Fold(request.Code);
        if (!LinkCode.IsValid(code))
        {
            errors["code"] = ["code is required: the partner's referral code."];
        }

        if (request.VisitorId is { } visitor && !ClickDetails.IsValidVisitorId(visitor))
        {
            errors["visitorId"] = [$"visitorId must be 1-{ClickDetails.MaxVisitorIdLength} characters of A-Z, a-z, 0-9, '-' and '_'."];
        }

        if (request.LandingUrl is { } landing && !LinkRules.IsValidTargetUrl(landing))
        {
            errors["landingUrl"] = ["landingUrl must be an absolute http or https URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var idempotency = idempotencyKey is null ? null : new ClickIdempotency(Actor.Of(user), idempotencyKey, IdempotencyKeys.Fingerprint(request));
        if (idempotency is not null && await ReplayAsync(db, idempotency, cancellationToken) is { } replay)
        {
            return replay;
        }

        string? Clean(string? value) => Text.Clean(value, ClickDetails.MaxParameterLength);
        var details = new ClickDetails
        {
            UtmSource = Clean(request.UtmSource), UtmMedium = Clean(request.UtmMedium), UtmCampaign = Clean(request.UtmCampaign),
            UtmTerm = Clean(request.UtmTerm), UtmContent = Clean(request.UtmContent),
            Referrer = Text.Clean(request.Referrer, ClickDetails.MaxReferrerLength),
            UserAgent = Text.Clean(request.UserAgent, ClickDetails.MaxUserAgentLength),
            LandingUrl = request.LandingUrl,
            Gclid = Clean(request.Gclid), Fbclid = Clean(request.Fbclid), Msclkid = Clean(request.Msclkid), Ttclid = Clean(request.Ttclid),
            LiFatId = Clean(request.LiFatId), Rdclid = Clean(request.Rdclid), Twclid = Clean(request.Twclid),
        };
        var source = new ClickSource(
            request.VisitorId ?? Guid.NewGuid().ToString("N"), request.VisitorId is not null,
            ClickSource.KeyOf(Text.Clean(request.IpAddress, 64), details.UserAgent));

        ClickResult click;
        try
        {
            click = await recorder.RecordAsync(code!, details, source, ClickRecorder.ServerSource, deepLink: null, idempotency, cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ClickConfiguration.IdempotencyKeyPrimaryKey))
        {
            // Another commit took the key first: a different request under the same key (retries of one share a lane).
            click = new ClickResult(ClickOutcome.KeyUsed);
        }

        return click.Outcome switch
        {
            ClickOutcome.UnknownCode => Problems.NotFound("Unknown referral code", $"No referral link has code '{code}'."),
            ClickOutcome.Unavailable => Problems.Unprocessable("Referral link not active", $"The link '{code}' or its partner is not active."),
            ClickOutcome.KeyUsed => await ReplayAsync(db, idempotency!, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key was reported used but is not stored."),
            _ => Answer(new RegisterClickResponse(
                click.ClickId!.Value, click.Link!.PartnerId, click.Link.Id, click.Link.Code, click.VisitorId!, click.Outcome == ClickOutcome.Duplicate)),
        };
    }

    /// <summary>The answer the key's first request got (same click, same status), a 409 for another request, or null when the key is new.</summary>
    private static async Task<Results<Created<RegisterClickResponse>, Ok<RegisterClickResponse>, ValidationProblem, ProblemHttpResult>?> ReplayAsync(
        AttributionDbContext db, ClickIdempotency idempotency, CancellationToken cancellationToken)
    {
        var earlier = await db.ClickIdempotencyKeys.AsNoTracking()
            .Where(used => used.Caller == idempotency.Caller && used.Key == idempotency.Key)
            .Join(db.Clicks, used => used.ClickId, click => click.Id, (used, click) => new
            {
                used.Fingerprint,
                Response = new RegisterClickResponse(click.Id, click.PartnerId, click.LinkId, click.Code, click.VisitorId!, used.Duplicate),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        return IdempotencyKeys.Matches(earlier.Fingerprint, idempotency.Fingerprint) ? Answer(earlier.Response) : IdempotencyKeys.Reused();
    }

    /// <summary>201 for a recorded click; 200 for a repeat collapsed into the visitor's earlier click.</summary>
    private static Results<Created<RegisterClickResponse>, Ok<RegisterClickResponse>, ValidationProblem, ProblemHttpResult> Answer(RegisterClickResponse response) =>
        response.Duplicate ? TypedResults.Ok(response) : TypedResults.Created($"/api/attribution/clicks/{response.ClickId}", response);

    private static async Task<Results<Ok<ClickSummaryResponse>, ProblemHttpResult, ForbidHttpResult>> Summary(
        Guid partnerId, ClaimsPrincipal user, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(partnerId))
        {
            return TypedResults.Forbid();
        }

        if (!await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return Problems.NotFound("Partner not found", $"No partner has id {partnerId}.");
        }

        return TypedResults.Ok(await SummarizeAsync(db, partnerId, cancellationToken));
    }

    public static async Task<ClickSummaryResponse> SummarizeAsync(AttributionDbContext db, Guid partnerId, CancellationToken cancellationToken)
    {
        var clicks = db.Clicks.AsNoTracking().Where(click => click.PartnerId == partnerId);
        var totals = await clicks.GroupBy(_ => 1).Select(group => new
        {
            Count = group.LongCount(),
            Duplicates = group.Sum(click => (long)click.Duplicates),
            Paid = group.LongCount(click => click.Gclid != null || click.Fbclid != null || click.Msclkid != null || click.Ttclid != null
                || click.LiFatId != null || click.Rdclid != null || click.Twclid != null),
            Last = group.Max(click => (DateTimeOffset?)click.OccurredAt),
        }).SingleOrDefaultAsync(cancellationToken);
        var visitors = await clicks.Select(click => click.VisitorId).Distinct().LongCountAsync(cancellationToken);
        return new ClickSummaryResponse(partnerId, totals?.Count ?? 0, totals?.Duplicates ?? 0, visitors, totals?.Paid ?? 0, totals?.Last);
    }
}
