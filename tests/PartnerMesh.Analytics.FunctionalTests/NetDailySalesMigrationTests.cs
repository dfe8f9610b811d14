using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The upgrade to net daily sales keeps the sales so far as gross too, learns the orders already in the daily report
/// from the log's conversions (so their later refunds are netted), and marks the orders the storefront already told of
/// (so a late <c>order_completed</c> moves only orders another service told of first).
/// </summary>
public sealed class NetDailySalesMigrationTests : IAsyncLifetime
{
    private const string Before = "20261206182847_QueuedReplays";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticsnetdaily");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_KeepsDailySalesAsGross_LearnsLoggedConversions_AndMarksStorefrontOrders()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(Before, Ct);
        var partner = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_sales (partner_id, day, currency, orders, revenue, commission, updated_at)
            VALUES ({partner}, DATE '2025-01-02', 'EUR', 1, 100.00, 10.00, now());
            INSERT INTO raw_events (event_id, source, type, occurred_at, received_at, payload, aggregated_at, replayed)
            VALUES ('conversion-attributed:1', 'bus', 'conversion_attributed', TIMESTAMPTZ '2025-01-02 23:30Z', now(),
                jsonb_build_object('type', 'conversion_attributed', 'orderId', 'o-1', 'partnerId', {partner}, 'amount', 100, 'currency', 'EUR', 'commission', 10),
                now(), false);
            INSERT INTO orders (order_id, ordered_at, currency, amount, net_amount, customer_counted, attributed, commission, coupon, verified, promotion,
                mismatch, refunded, refunds, refunded_amount, traffic_source, touchpoint, segments, first_order, customer_in_partner_rows)
            VALUES ('storefront', now(), 'EUR', 10, 10, false, false, 0, false, false, false, false, false, 0, 0, 'direct', 'order', ARRAY[]::text[], false, false),
                   ('coupons', now(), 'EUR', 10, 10, false, false, 0, true, false, false, false, false, 0, 0, 'direct', NULL, ARRAY[]::text[], false, false),
                   ('counted', now(), 'EUR', 10, 10, true, true, 0, false, false, false, false, false, 0, 0, 'direct', NULL, ARRAY[]::text[], false, true);
            """,
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var sales = await db.DailySales.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((1L, 100m, 100m, 10m), (sales.Orders, sales.Revenue, sales.GrossRevenue, sales.Commission));
        var order = await db.AttributedOrders.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(("o-1", (Guid?)partner, (DateOnly?)new DateOnly(2025, 1, 2), "EUR", 100m, 10m, 0m, false),
            (order.OrderId, order.PartnerId, order.Day, order.Currency, order.Amount, order.Commission, order.RefundedAmount, order.Cancelled));
        var told = await db.Orders.AsNoTracking().OrderBy(o => o.OrderId).Select(o => new { o.OrderId, o.ToldByStorefront }).ToListAsync(Ct);
        Assert.Equal([("counted", true), ("coupons", false), ("storefront", true)], told.Select(o => (o.OrderId, o.ToldByStorefront)));
    }
}
