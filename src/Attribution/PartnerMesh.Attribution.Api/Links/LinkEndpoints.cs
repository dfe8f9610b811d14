using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Attribution.Api.Links;

public static class LinkEndpoints
{
    internal const string LinksList = "attribution.links";

    private const int GeneratedCodeAttempts = 5;

    public static RouteGroupBuilder MapLinkEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/partners/{partnerId:guid}/links").WithTags("Links");

        group.MapPost("/", CreateLink).WithName(nameof(CreateLink)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListLinks).WithName(nameof(ListLinks)).RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{linkId:guid}", UpdateLink).WithName(nameof(UpdateLink)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Results<Created<LinkResponse>, Ok<LinkResponse>, ValidationProblem, ProblemHttpResult>> CreateLink(
        Guid partnerId, CreateLinkRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        AttributionDbContext db, LinkCache cache, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (LinkRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        // A retry gets the link (and generated code) the first request created.
        var fingerprint = IdempotencyKeys.Fingerprint(new { route = partnerId, request });
        if (idempotencyKey is not null && await db.Links.AsNoTracking().SingleOrDefaultAsync(l => l.IdempotencyKey == idempotencyKey, cancellationToken) is { } existing)
        {
            return Replay(existing, fingerprint);
        }

        var owner = await LinkOwner.FindAsync(db, partnerId, cancellationToken);
        if (owner is null)
        {
            return PartnerNotFound(partnerId);
        }

        if (!owner.Allows(request.TargetUrl!))
        {
            return HostNotAllowed();
        }

        if (request.Code is { } code && await db.Links.AnyAsync(link => link.Code == code, cancellationToken))
        {
            // A concurrent retry under the key may have taken the code since the key was looked up: that is its replay.
            return await ReplayIfKeyUsedAsync() ?? CodeTaken(code);
        }

        // One code text, one owner: a coupons partner code's text (as coupons reported it, CouponIssued) is not a link code.
        if (request.Code is { } wanted
            && await db.CouponPartnerCodes.AsNoTracking().SingleOrDefaultAsync(coupon => coupon.Code == wanted, cancellationToken) is { } couponCode)
        {
            return Problems.Conflict("Code is a coupons partner code",
                $"The referral code '{wanted}' is partner {couponCode.PartnerId}'s coupons code (code {couponCode.CodeId}, in any case or width): "
                + "an order that used it would be credited to two partners. Choose another code.");
        }

        // A custom code gets one attempt; a generated one is redrawn on the (very unlikely) collision.
        var attempts = request.Code is null ? GeneratedCodeAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            var link = NewLink(partnerId, request.Code ?? LinkCode.Generate(), request.TargetUrl!, idempotencyKey, fingerprint, db, timeProvider);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await cache.ReplaceAsync(CachedLink.From(link, owner.ProgramId, owner.Status != PartnerStatus.Active));
                return TypedResults.Created($"/api/attribution/partners/{partnerId}/links/{link.Id}", LinkResponse.From(link));
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation(ReferralLinkConfiguration.UniqueIdempotencyKeyIndex))
            {
                db.ChangeTracker.Clear();
                return Replay(await db.Links.AsNoTracking().SingleAsync(l => l.IdempotencyKey == idempotencyKey, cancellationToken), fingerprint);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation(ReferralLinkConfiguration.UniqueCodeIndex))
            {
                db.ChangeTracker.Clear();
                if (attempt >= attempts)
                {
                    if (request.Code is not null)
                    {
                        return await ReplayIfKeyUsedAsync() ?? CodeTaken(request.Code);
                    }

                    throw;
                }
            }
        }

        async Task<Results<Created<LinkResponse>, Ok<LinkResponse>, ValidationProblem, ProblemHttpResult>?> ReplayIfKeyUsedAsync() =>
            idempotencyKey is not null
            && await db.Links.AsNoTracking().SingleOrDefaultAsync(l => l.IdempotencyKey == idempotencyKey, cancellationToken) is { } first
                ? Replay(first, fingerprint)
                : null;

        static Results<Created<LinkResponse>, Ok<LinkResponse>, ValidationProblem, ProblemHttpResult> Replay(ReferralLink existing, string fingerprint) =>
            IdempotencyKeys.Matches(existing.IdempotencyFingerprint, fingerprint) ? TypedResults.Ok(LinkResponse.From(existing)) : IdempotencyKeys.Reused();
    }

    private static async Task<Results<Ok<PageResponse<LinkResponse>>, ValidationProblem, ProblemHttpResult, ForbidHttpResult>> ListLinks(
        Guid partnerId, int? limit, string? after, ClaimsPrincipal user, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(partnerId))
        {
            return TypedResults.Forbid();
        }

        if (Paging.Validate(LinksList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return PartnerNotFound(partnerId);
        }

        var query = db.Links.AsNoTracking().Where(link => link.PartnerId == partnerId);
        if (afterId is { } cursor)
        {
            query = query.Where(link => link.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(link => link.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(LinksList, rows, take, link => link.Id, LinkResponse.From));
    }

    private static async Task<Results<Ok<LinkResponse>, ValidationProblem, ProblemHttpResult>> UpdateLink(
        Guid partnerId, Guid linkId, UpdateLinkRequest request, AttributionDbContext db, LinkCache cache, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (LinkRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var link = await db.Links.SingleOrDefaultAsync(link => link.Id == linkId && link.PartnerId == partnerId, cancellationToken);
        if (link is null)
        {
            return Problems.NotFound("Link not found", $"Partner {partnerId} has no link {linkId}.");
        }

        if (request.Code is { } code && code != link.Code)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["code"] = [$"code cannot change (the link's code is {link.Code}): omit it, or create a new link for another code."],
            });
        }

        var owner = (await LinkOwner.FindAsync(db, partnerId, cancellationToken))!;
        if (!owner.Allows(request.TargetUrl!))
        {
            return HostNotAllowed();
        }

        link.TargetUrl = request.TargetUrl!;
        link.Active = request.Active ?? true;
        link.UpdatedAt = timeProvider.GetUtcNowForStorage();
        await db.SaveChangesAsync(cancellationToken);

        // Only after the commit: the cache must never be ahead of PostgreSQL.
        await cache.ReplaceAsync(CachedLink.From(link, owner.ProgramId, owner.Status != PartnerStatus.Active));
        return TypedResults.Ok(LinkResponse.From(link));
    }

    private static ReferralLink NewLink(
        Guid partnerId, string code, string targetUrl, string? idempotencyKey, string fingerprint, AttributionDbContext db, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNowForStorage();
        var link = new ReferralLink
        {
            Id = Guid.CreateVersion7(now),
            PartnerId = partnerId,
            Code = code,
            TargetUrl = targetUrl,
            IdempotencyKey = idempotencyKey,
            IdempotencyFingerprint = idempotencyKey is null ? null : fingerprint,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Links.Add(link);
        db.AddIntegrationEvent(new ReferralLinkCreated
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            LinkId = link.Id,
            PartnerId = partnerId,
            Code = code,
            TargetUrl = targetUrl,
        });
        return link;
    }

    /// <summary>Links may only point at the hosts the partner's program allows (open-redirect protection).</summary>
    private static ValidationProblem HostNotAllowed() => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["targetUrl"] = ["targetUrl must be on one of the program's allowed hosts."],
    });

    private sealed record LinkOwner(Guid? ProgramId, string Status, List<string> AllowedHosts)
    {
        public bool Allows(string targetUrl) =>
            AllowedHosts.Count == 0 || Clicks.RedirectRules.IsAllowed(targetUrl, AllowedHosts);

        public static Task<LinkOwner?> FindAsync(AttributionDbContext db, Guid partnerId, CancellationToken cancellationToken) =>
            db.Partners.AsNoTracking().Where(partner => partner.Id == partnerId)
                .Select(partner => new LinkOwner(
                    partner.ProgramId, partner.Status,
                    db.Programs.Where(program => program.Id == partner.ProgramId).Select(program => program.AllowedHosts).FirstOrDefault() ?? new List<string>()))
                .SingleOrDefaultAsync(cancellationToken);
    }

    private static ProblemHttpResult PartnerNotFound(Guid partnerId) =>
        Problems.NotFound("Partner not found", $"No partner has id {partnerId}.");

    private static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("Code already taken", $"The referral code '{code}' is already in use.");
}
