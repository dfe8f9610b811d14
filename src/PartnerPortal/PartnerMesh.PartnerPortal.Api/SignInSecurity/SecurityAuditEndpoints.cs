using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>Operators read the sign-in throttling events (service token with scope admin, through the gateway).</summary>
public static class SecurityAuditEndpoints
{
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapSecurityAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/portal/security").WithTags("Security").RequireAuthorization(PortalPolicies.Admin);

        group.MapGet("/audit", ListSignInAudit).WithName(nameof(ListSignInAudit))
            .WithSummary("Sign-in throttling events, newest first")
            .WithDescription("Back-offs started, attempts refused while waiting and sign-ins after a back-off; filter by account, partner or kind; page with `after` (the previous page's `next`).");

        return group;
    }

    private static async Task<Results<Ok<SignInAuditPage>, ValidationProblem>> ListSignInAudit(
        PortalDbContext db,
        CancellationToken cancellationToken,
        Guid? accountId = null,
        Guid? partnerId = null,
        string? kind = null,
        long? after = null,
        int limit = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Use 1–{MaxLimit}."];
        }

        if (kind is not null && !SignInAuditKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            errors["kind"] = [$"Use one of {string.Join(", ", SignInAuditKinds.All)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var entries = await db.SignInAudit.AsNoTracking()
            .Where(entry => (accountId == null || entry.AccountId == accountId)
                && (partnerId == null || entry.PartnerId == partnerId)
                && (kind == null || entry.Kind == kind)
                && (after == null || entry.Id < after))
            .OrderByDescending(entry => entry.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = entries.Count > limit ? entries[..limit] : entries;
        return TypedResults.Ok(new SignInAuditPage([.. items.Select(SignInAuditResponse.From)], entries.Count > limit ? items[^1].Id : null));
    }
}

public sealed record SignInAuditPage(IReadOnlyList<SignInAuditResponse> Items, long? NextCursor);

public sealed record SignInAuditResponse(
    long Id,
    DateTimeOffset OccurredAt,
    string Kind,
    string Scope,
    Guid AccountId,
    Guid PartnerId,
    string Source,
    bool KnownSource,
    int Failures,
    DateTimeOffset? BlockedUntil)
{
    public static SignInAuditResponse From(SignInAuditEntry entry) =>
        new(entry.Id, entry.OccurredAt, entry.Kind, entry.Scope, entry.AccountId, entry.PartnerId, entry.Source, entry.KnownSource, entry.Failures,
            entry.BlockedUntil);
}
