using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Status;

public static class StatusEndpoints
{
    public static RouteGroupBuilder MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons/status").WithTags("Status").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", GetStatus).WithName(nameof(GetStatus));

        return group;
    }

    /// <summary>What an operator checks first: the partners this service knows and whether its outbox drains.</summary>
    private static async Task<Ok<ServiceStatus>> GetStatus(CouponsDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var unpublished = db.Set<OutboxMessage>().Where(message => message.PublishedAt == null);
        var outbox = new
        {
            Pending = await unpublished.CountAsync(message => message.ParkedAt == null, cancellationToken),
            Parked = await unpublished.CountAsync(message => message.ParkedAt != null, cancellationToken),
            Oldest = await unpublished.Where(message => message.ParkedAt == null).MinAsync(message => (DateTimeOffset?)message.OccurredAt, cancellationToken),
        };

        var oldestAge = (timeProvider.GetUtcNow() - outbox.Oldest)?.TotalSeconds;
        return TypedResults.Ok(new ServiceStatus(
            ResourceNames.CouponsApi,
            await db.Partners.CountAsync(cancellationToken),
            new OutboxStatus(outbox.Pending, outbox.Parked, oldestAge is { } age ? Math.Max(0, age) : null)));
    }
}

public sealed record ServiceStatus(string Service, int KnownPartners, OutboxStatus Outbox);

public sealed record OutboxStatus(int Pending, int Parked, double? OldestPendingAgeSeconds);
