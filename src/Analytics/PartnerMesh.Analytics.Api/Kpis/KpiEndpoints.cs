using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Kpis;

public static class KpiEndpoints
{
    public static RouteGroupBuilder MapKpiEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics");

        group.MapGet("/partners/{partnerId:guid}/daily", GetPartnerDailyKpis).WithName(nameof(GetPartnerDailyKpis))
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        group.MapGet("/partners", GetPartnersForDay).WithName(nameof(GetPartnersForDay))
            .RequireAuthorization(PartnerMeshPolicies.Admin);

        return group;
    }

    private static async Task<Results<Ok<PartnerDailyKpisResponse>, ValidationProblem, ProblemHttpResult>> GetPartnerDailyKpis(
        Guid partnerId,
        string? from,
        string? to,
        ClaimsPrincipal user,
        AnalyticsDbContext db,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(partnerId))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "A partner may read only its own analytics.");
        }

        var today = KpiStore.UtcDay(timeProvider.GetUtcNow());
        var errors = KpiDateRange.Resolve(from, to, today, out var fromDay, out var toDay);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rows = await db.DailyKpis.AsNoTracking()
            .Where(kpi => kpi.PartnerId == partnerId && kpi.Day >= fromDay && kpi.Day <= toDay)
            .OrderBy(kpi => kpi.Day)
            .ToListAsync(cancellationToken);
        var partnerName = await db.Partners.AsNoTracking()
            .Where(partner => partner.Id == partnerId)
            .Select(partner => partner.Name)
            .FirstOrDefaultAsync(cancellationToken);

        var days = rows
            .Select(kpi => new KpiDayResponse(
                kpi.Day, kpi.Clicks, kpi.Orders, kpi.Revenue, kpi.Commission, KpiRates.ConversionRate(kpi.Orders, kpi.Clicks)))
            .ToList();
        var clicks = rows.Sum(kpi => kpi.Clicks);
        var orders = rows.Sum(kpi => kpi.Orders);
        var revenue = rows.Sum(kpi => kpi.Revenue);
        var totals = new KpiTotalsResponse(
            clicks,
            orders,
            revenue,
            rows.Sum(kpi => kpi.Commission),
            KpiRates.ConversionRate(orders, clicks),
            KpiRates.AverageOrderValue(revenue, orders));

        return TypedResults.Ok(new PartnerDailyKpisResponse(partnerId, partnerName, fromDay, toDay, days, totals));
    }

    private static async Task<Results<Ok<PartnersDayResponse>, ValidationProblem>> GetPartnersForDay(
        string? day, AnalyticsDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var reportDay = KpiStore.UtcDay(timeProvider.GetUtcNow());
        if (day is not null && !KpiDateRange.TryParseDay(day, out reportDay))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["day"] = [$"Use a date formatted {KpiDateRange.DateFormat}."],
            });
        }

        var rows = await (
                from kpi in db.DailyKpis.AsNoTracking()
                where kpi.Day == reportDay
                join partner in db.Partners.AsNoTracking() on kpi.PartnerId equals partner.Id into named
                from partner in named.DefaultIfEmpty()
                orderby kpi.Revenue descending, kpi.Orders descending, kpi.Clicks descending, kpi.PartnerId
                select new { Kpi = kpi, Name = partner == null ? null : partner.Name })
            .ToListAsync(cancellationToken);

        var partners = rows
            .Select(row => new PartnerDayResponse(
                row.Kpi.PartnerId,
                row.Name,
                row.Kpi.Clicks,
                row.Kpi.Orders,
                row.Kpi.Revenue,
                row.Kpi.Commission,
                KpiRates.ConversionRate(row.Kpi.Orders, row.Kpi.Clicks),
                KpiRates.AverageOrderValue(row.Kpi.Revenue, row.Kpi.Orders)))
            .ToList();
        return TypedResults.Ok(new PartnersDayResponse(reportDay, partners));
    }
}
