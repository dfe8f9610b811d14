using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Revenue aggregated before net revenue becomes the gross figure too, and each order's net its total, so later refunds and moves net from what was counted.</summary>
public sealed class NetRevenueMigrationTests : IAsyncLifetime
{
    private const string BeforeNetRevenue = "20261205141602_KpiPairsAndReattribution";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticsnet");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_KeepsRevenue_AsNetAndGross_AndOrdersNetAtTheirTotal()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeNetRevenue, Ct);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO kpi_aggregates (granularity, dimension, dimension_value, dimension_value2, period, currency, updated_at, orders, revenue,
                sessions, converted_sessions, page_views, product_views, add_to_carts, remove_from_carts, checkouts_started, clicks,
                customer_orders, first_orders, repeat_orders, carts, abandoned_carts, recovered_carts, coupon_orders, verified_orders,
                promotion_orders, promotion_mismatches, surveys_shown, survey_responses, nps_responses, nps_promoters, nps_detractors,
                attributed_orders, refunded_orders, refunds, partner_revenue, commission, refunded_amount)
            VALUES ('day', 'all', '', '', TIMESTAMP '2025-01-02', 'EUR', now(), 7, 70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 5),
                   ('day', 'all', '', '', TIMESTAMP '2025-01-02', '', now(), 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0)
            """,
            Ct);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO orders (order_id, ordered_at, currency, amount, customer_counted, attributed, commission, coupon, verified, promotion,
                mismatch, refunded, refunds, refunded_amount, traffic_source, segments, first_order, customer_in_partner_rows)
            VALUES ('o-1', TIMESTAMPTZ '2025-01-02 10:00Z', 'EUR', 10, false, true, 1, false, false, false, false, true, 1, 5, 'direct', ARRAY[]::text[], false, false)
            """,
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var rows = await db.Aggregates.AsNoTracking().OrderBy(row => row.Currency).ToListAsync(Ct);
        Assert.Equal([("", 0m, 0m, 0L), ("EUR", 70m, 70m, 0L)], rows.Select(row => (row.Currency, row.Revenue, row.GrossRevenue, row.CancelledOrders)));
        var order = await db.Orders.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((10m, 10m, false, 0m), (order.Amount, order.NetAmount, order.Cancelled, order.CommissionReversed));
    }
}
