using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>JSON for the signed-in partner. The partner always comes from the session, never from the request.</summary>
public static class BffEndpoints
{
    public static RouteGroupBuilder MapBffEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(PortalSession.PathPrefix + "/api").WithTags("Portal BFF")
            .RequireAuthorization(PortalPolicies.PartnerSession);

        group.MapGet("/me", GetMe).WithName(nameof(GetMe));
        group.MapGet("/kpis", GetKpis).WithName(nameof(GetKpis)).Produces<KpiReport>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    private static async Task<Ok<MeResponse>> GetMe(ClaimsPrincipal user, PortalDbContext db, CancellationToken cancellationToken)
    {
        var (_, partnerId) = user.SessionIds();
        var partnerName = await db.Partners.AsNoTracking()
            .Where(partner => partner.Id == partnerId)
            .Select(partner => partner.Name)
            .SingleAsync(cancellationToken);
        return TypedResults.Ok(new MeResponse(partnerId, partnerName, user.Email()));
    }

    /// <summary>Analytics' own answer for the session's partner: the report, or its 400 for a bad range.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetKpis(
        string? from, string? to, ClaimsPrincipal user, AnalyticsClient analytics, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var answer = await analytics.GetDailyKpisAsync(accountId, partnerId, from, to, cancellationToken);
        if (answer is { StatusCode: HttpStatusCode.OK or HttpStatusCode.BadRequest })
        {
            return TypedResults.Content(answer.Body, answer.ContentType, statusCode: (int)answer.StatusCode);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Numbers unavailable",
            detail: PortalPages.UnavailableMessage);
    }
}

public sealed record MeResponse(Guid PartnerId, string PartnerName, string Email);
