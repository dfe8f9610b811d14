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
    private static async Task<Ok<ServiceStatus>> GetStatus(CouponsDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ServiceStatus(
            ResourceNames.CouponsApi,
            await db.Partners.CountAsync(cancellationToken),
            await db.GetOutboxStatusAsync(timeProvider, cancellationToken)));
}

public sealed record ServiceStatus(string Service, int KnownPartners, OutboxStatus Outbox);
