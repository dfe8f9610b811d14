using System.Buffers.Binary;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerPortal.Api.SignInSecurity;

/// <summary>Operators read the sign-in throttling events (service token with scope admin, through the gateway).</summary>
public static class SecurityAuditEndpoints
{
    public const int MaxLimit = 200;

    private const string AuditList = "portal.security-audit";

    public static RouteGroupBuilder MapSecurityAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/portal/security").WithTags("Security").RequireAuthorization(PortalPolicies.Admin);

        group.MapGet("/audit", ListSignInAudit).WithName(nameof(ListSignInAudit))
            .WithSummary("Sign-in throttling events, newest first")
            .WithDescription("Back-offs started, attempts refused while waiting and sign-ins after a back-off; filter by account, partner or kind; page with `after` (the previous page's `nextCursor`).");

        return group;
    }

    private static async Task<Results<Ok<SignInAuditPage>, ValidationProblem>> ListSignInAudit(
        PortalDbContext db,
        CancellationToken cancellationToken,
        Guid? accountId = null,
        Guid? partnerId = null,
        string? kind = null,
        string? after = null,
        int limit = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Use 1–{MaxLimit}."];
        }

        long? afterId = null;
        if (after is not null)
        {
            // The entries' ids are numbers from the database, so the position is the last one's 8 bytes.
            if (Paging.TryDecodeCursor(AuditList, after, out byte[] position) && position.Length == sizeof(long))
            {
                afterId = BinaryPrimitives.ReadInt64BigEndian(position);
            }
            else
            {
                errors["after"] = Paging.NotACursor("after");
            }
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
                && (afterId == null || entry.Id < afterId))
            .OrderByDescending(entry => entry.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = entries.Count > limit ? entries[..limit] : entries;
        return TypedResults.Ok(new SignInAuditPage([.. items.Select(SignInAuditResponse.From)], entries.Count > limit ? Cursor(items[^1].Id) : null));
    }

    private static string Cursor(long lastId)
    {
        Span<byte> position = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(position, lastId);
        return Paging.EncodeCursor(AuditList, position);
    }
}

public sealed record SignInAuditPage(IReadOnlyList<SignInAuditResponse> Items, string? NextCursor);

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
