using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/audit").WithTags("Audit").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", AuditPromotions).WithName(nameof(AuditPromotions));

        return group;
    }

    /// <summary>Conflicts among live and scheduled promotions: blocking ones (publishing such a version is refused) and warnings.</summary>
    private static async Task<Ok<AuditReport>> AuditPromotions(PromotionAuditService audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await audit.AuditAsync(cancellationToken));
}
