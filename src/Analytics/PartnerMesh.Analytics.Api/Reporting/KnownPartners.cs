using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// Whether analytics has heard of a partner, so an admin's read of one partner can tell "no such partner" (404) from "a
/// partner with no data yet" (200 with zeros). Heard of: in the partner directory (attribution's <c>PartnerRegistered</c>),
/// or named by any fact analytics counted (its KPI rows or its click-based daily rows) — the registration travels on
/// its own queue and may come after the partner's first clicks and orders. A partner's own token needs no check: its
/// issuer (the portal) vouches for the partner.
/// </summary>
public static class KnownPartners
{
    public static async Task<bool> KnowsPartnerAsync(this AnalyticsDbContext db, Guid partnerId, CancellationToken cancellationToken)
    {
        var value = partnerId.ToString();
        return await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken)
            || await db.Aggregates.AnyAsync(
                row => row.Granularity == Granularities.Day && row.Dimension == Dimensions.Partner && row.DimensionValue == value, cancellationToken)
            || await db.DailyKpis.AnyAsync(kpi => kpi.PartnerId == partnerId, cancellationToken);
    }

    public static ProblemHttpResult NotFound(object partner) =>
        Problems.NotFound("Partner not found", $"Analytics knows no partner '{partner}': attribution never registered it and no event named it.");
}
