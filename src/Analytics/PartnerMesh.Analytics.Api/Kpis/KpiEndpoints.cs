using System.Data;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Reporting;
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

    /// <summary>
    /// A partner's click-based daily report; an admin asking for a partner analytics never heard of gets 404
    /// (<see cref="KnownPartners"/>), a known partner without data empty days.
    /// </summary>
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

        if (user.IsAdmin() && !await db.KnowsPartnerAsync(partnerId, cancellationToken))
        {
            return KnownPartners.NotFound(partnerId);
        }

        // Activity and sales are two tables written in one transaction; one snapshot keeps a report from showing an
        // order's money without the order (or the reverse).
        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var kpis = await db.DailyKpis.AsNoTracking()
            .Where(kpi => kpi.PartnerId == partnerId && kpi.Day >= fromDay && kpi.Day <= toDay)
            .OrderBy(kpi => kpi.Day)
            .ToListAsync(cancellationToken);
        var sales = await db.DailySales.AsNoTracking()
            .Where(row => row.PartnerId == partnerId && row.Day >= fromDay && row.Day <= toDay)
            .ToListAsync(cancellationToken);
        var partnerName = await db.Partners.AsNoTracking()
            .Where(partner => partner.Id == partnerId)
            .Select(partner => partner.Name)
            .FirstOrDefaultAsync(cancellationToken);

        // Every sales row has its day's activity row: the consumer writes both in one transaction.
        var salesByDay = sales.ToLookup(row => row.Day);
        var days = kpis
            .Select(kpi => new KpiDayResponse(
                kpi.Day,
                kpi.Clicks,
                kpi.Orders,
                kpi.ConvertedClicks,
                kpi.OrdersFromClicks,
                KpiRates.ConversionRate(kpi.ConvertedClicks, kpi.Clicks),
                KpiRates.OrdersPerClick(kpi.OrdersFromClicks, kpi.Clicks),
                SalesPerCurrency(salesByDay[kpi.Day])))
            .ToList();
        var (clicks, convertedClicks, ordersFromClicks) =
            (kpis.Sum(kpi => kpi.Clicks), kpis.Sum(kpi => kpi.ConvertedClicks), kpis.Sum(kpi => kpi.OrdersFromClicks));
        var totals = new KpiTotalsResponse(
            clicks,
            kpis.Sum(kpi => kpi.Orders),
            convertedClicks,
            ordersFromClicks,
            KpiRates.ConversionRate(convertedClicks, clicks),
            KpiRates.OrdersPerClick(ordersFromClicks, clicks),
            SalesPerCurrency(sales));

        return TypedResults.Ok(new PartnerDailyKpisResponse(partnerId, partnerName, fromDay, toDay, days, totals));
    }

    private static async Task<Results<Ok<PartnersDayResponse>, ValidationProblem>> GetPartnersForDay(
        string? day, AnalyticsDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var reportDay = KpiStore.UtcDay(timeProvider.GetUtcNow());
        if (day is not null && KpiDateRange.Parse(day, out reportDay) is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["day"] = [error] });
        }

        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var rows = await (
                from kpi in db.DailyKpis.AsNoTracking()
                where kpi.Day == reportDay
                join partner in db.Partners.AsNoTracking() on kpi.PartnerId equals partner.Id into named
                from partner in named.DefaultIfEmpty()
                orderby kpi.Orders descending, kpi.Clicks descending, kpi.PartnerId
                select new { Kpi = kpi, Name = partner == null ? null : partner.Name })
            .ToListAsync(cancellationToken);
        var salesByPartner = (await db.DailySales.AsNoTracking().Where(row => row.Day == reportDay).ToListAsync(cancellationToken))
            .ToLookup(row => row.PartnerId);

        var partners = rows
            .Select(row => new PartnerDayResponse(
                row.Kpi.PartnerId,
                row.Name,
                row.Kpi.Clicks,
                row.Kpi.Orders,
                row.Kpi.ConvertedClicks,
                row.Kpi.OrdersFromClicks,
                KpiRates.ConversionRate(row.Kpi.ConvertedClicks, row.Kpi.Clicks),
                KpiRates.OrdersPerClick(row.Kpi.OrdersFromClicks, row.Kpi.Clicks),
                SalesPerCurrency(salesByPartner[row.Kpi.PartnerId])))
            .ToList();
        return TypedResults.Ok(new PartnersDayResponse(reportDay, partners));
    }

    /// <summary>Sums sales rows per currency (never across currencies), sorted by currency code; net, with the gross beside.</summary>
    private static List<SalesResponse> SalesPerCurrency(IEnumerable<PartnerDailySales> rows) =>
        rows.GroupBy(row => row.Currency, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var orders = group.Sum(row => row.Orders);
                var revenue = group.Sum(row => row.Revenue);
                return new SalesResponse(
                    group.Key, orders, revenue, group.Sum(row => row.GrossRevenue), group.Sum(row => row.Commission),
                    KpiRates.AverageOrderValue(revenue, orders, group.Key));
            })
            .ToList();
}
