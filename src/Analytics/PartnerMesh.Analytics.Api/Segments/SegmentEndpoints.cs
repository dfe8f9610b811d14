using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Segments;

/// <param name="Customers">Members, or <c>null</c> when suppressed (fewer than the anonymity threshold, for partners).</param>
public sealed record SegmentCount(string Segment, long? Customers, bool Suppressed);

public sealed record SegmentReport(Guid? PartnerId, int AnonymityThreshold, IReadOnlyList<SegmentCount> Segments);

public static class SegmentEndpoints
{
    public static RouteGroupBuilder MapSegmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics segments");
        group.MapGet("/segments", GetAsync).WithName("GetSegments")
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .Produces<SegmentReport>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>
    /// How many customers are in each segment: all customers for an admin (or one partner's with <c>partnerId</c>); for a
    /// partner only its own customers, as counts alone, each below the k-anonymity threshold suppressed. An admin naming a
    /// partner analytics never heard of gets 404.
    /// </summary>
    private static async Task<Results<Ok<SegmentReport>, ProblemHttpResult>> GetAsync(
        Guid? partnerId, ClaimsPrincipal user, AnalyticsDbContext db, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken)
    {
        var isAdmin = user.IsAdmin();
        if (!isAdmin)
        {
            var own = user.PartnerId();
            if (own is null || (partnerId is not null && partnerId != own))
            {
                return TypedResults.Problem("A partner sees only its own customers' segments.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            }

            partnerId = own;
        }
        else if (partnerId is { } asked && !await db.KnowsPartnerAsync(asked, cancellationToken))
        {
            return KnownPartners.NotFound(asked);
        }

        // No "{partnerId} IS NULL OR ...": a null parameter reaches PostgreSQL without a type, which it refuses.
        var query = partnerId is { } partner
            ? db.Database.SqlQuery<SegmentRow>(
                $"""
                SELECT segment AS "Segment", count(*) AS "Customers"
                FROM customers, unnest(segments) AS segment
                WHERE partner_id = {partner}
                GROUP BY segment
                """)
            : db.Database.SqlQuery<SegmentRow>(
                $"""
                SELECT segment AS "Segment", count(*) AS "Customers"
                FROM customers, unnest(segments) AS segment
                GROUP BY segment
                """);
        var counts = await query.ToListAsync(cancellationToken);
        var threshold = options.Value.Segments.PartnerAnonymityThreshold;
        var bySegment = counts.ToDictionary(row => row.Segment, row => row.Customers, StringComparer.Ordinal);
        var segments = SegmentNames.All
            .Select(segment =>
            {
                var members = bySegment.GetValueOrDefault(segment);
                var suppressed = !isAdmin && members > 0 && members < threshold;
                return new SegmentCount(segment, suppressed ? null : members, suppressed);
            })
            .ToList();
        return TypedResults.Ok(new SegmentReport(partnerId, threshold, segments));
    }

    private sealed record SegmentRow(string Segment, long Customers);
}
