using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Reads the aggregate straight from the database and waits for consumers to catch up.</summary>
internal static class KpiProbe
{
    public static Task<PartnerDailyKpi?> FindAsync(this AnalyticsApiFactory factory, Guid partnerId, DateOnly day) =>
        factory.QueryDbAsync(db => db.DailyKpis.AsNoTracking().SingleOrDefaultAsync(kpi => kpi.PartnerId == partnerId && kpi.Day == day));

    /// <summary>The partner's sales of the day, per currency (read after <see cref="WaitForAsync"/>: both rows commit together).</summary>
    public static Task<List<PartnerDailySales>> SalesAsync(this AnalyticsApiFactory factory, Guid partnerId, DateOnly day) =>
        factory.QueryDbAsync(db => db.DailySales.AsNoTracking()
            .Where(sales => sales.PartnerId == partnerId && sales.Day == day)
            .OrderBy(sales => sales.Currency)
            .ToListAsync());

    public static Task<PartnerDailyKpi> WaitForAsync(
        this AnalyticsApiFactory factory, Guid partnerId, DateOnly day, Func<PartnerDailyKpi, bool> condition) =>
        Eventually.GetAsync(async () => await factory.FindAsync(partnerId, day) is { } kpi && condition(kpi) ? kpi : null);

    public static Task WaitForPartnerAsync(this AnalyticsApiFactory factory, Guid partnerId) =>
        Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Partners.AnyAsync(partner => partner.Id == partnerId)));
}
