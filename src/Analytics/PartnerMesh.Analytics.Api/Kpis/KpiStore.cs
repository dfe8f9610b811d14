using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// Adds increments to a partner's day in one statement each. <c>INSERT ... ON CONFLICT DO UPDATE</c> takes the row lock,
/// so concurrent consumers serialize on the row instead of overwriting each other's read-modify-write.
/// </summary>
public static class KpiStore
{
    public static DateOnly UtcDay(DateTimeOffset moment) => DateOnly.FromDateTime(moment.UtcDateTime);

    public static Task AddToDailyKpisAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly day,
        KpiIncrement increment,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_kpis (partner_id, day, clicks, orders, updated_at)
            VALUES ({partnerId}, {day}, {increment.Clicks}, {increment.Orders}, {now})
            ON CONFLICT (partner_id, day) DO UPDATE SET
                clicks = partner_daily_kpis.clicks + EXCLUDED.clicks,
                orders = partner_daily_kpis.orders + EXCLUDED.orders,
                updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);

    /// <summary>Adds one order's amount and commission to the partner's sales of the day in the order's currency.</summary>
    public static Task AddToDailySalesAsync(
        this AnalyticsDbContext db,
        Guid partnerId,
        DateOnly day,
        string currency,
        decimal revenue,
        decimal commission,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_sales (partner_id, day, currency, orders, revenue, commission, updated_at)
            VALUES ({partnerId}, {day}, {currency}, 1, {revenue}, {commission}, {now})
            ON CONFLICT (partner_id, day, currency) DO UPDATE SET
                orders = partner_daily_sales.orders + 1,
                revenue = partner_daily_sales.revenue + EXCLUDED.revenue,
                commission = partner_daily_sales.commission + EXCLUDED.commission,
                updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);
}
