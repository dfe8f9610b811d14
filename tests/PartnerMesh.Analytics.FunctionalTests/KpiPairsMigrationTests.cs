using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Aggregates and orders from before pairs keep their values, become single-dimension rows and keep adding up.</summary>
public sealed class KpiPairsMigrationTests : IAsyncLifetime
{
    private const string BeforePairs = "20261205054333_BehaviourEventsAndKpiAggregates";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticspairs");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_KeepsExistingAggregatesAsSingleDimensionRows_AndOrdersWithoutAReattribution()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforePairs, Ct);
        var counters = await db.Database.SqlQuery<string>(
                $"""
                SELECT column_name AS "Value" FROM information_schema.columns
                WHERE table_name = 'kpi_aggregates' AND column_name NOT IN ('granularity', 'dimension', 'dimension_value', 'period', 'currency', 'updated_at', 'orders', 'revenue')
                """)
            .ToListAsync(Ct);
#pragma warning disable EF1003 // Column names from information_schema, values constant.
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO kpi_aggregates (granularity, dimension, dimension_value, period, currency, updated_at, orders, revenue, {string.Join(", ", counters)}) "
            + $"VALUES ('day', 'partner', 'p-1', TIMESTAMP '2025-01-02', 'EUR', now(), 7, 70, {string.Join(", ", counters.Select(_ => "0"))})",
            Ct);
#pragma warning restore EF1003
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO orders (order_id, ordered_at, currency, amount, customer_counted, attributed, commission, coupon, verified, promotion,
                mismatch, refunded, refunds, refunded_amount, traffic_source, segments)
            VALUES ('o-1', TIMESTAMPTZ '2025-01-02 10:00Z', 'EUR', 10, true, true, 1, false, false, false, false, false, 0, 0, 'direct', ARRAY[]::text[])
            """,
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var row = await db.Aggregates.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(("partner", "p-1", "", 7L, 70m), (row.Dimension, row.DimensionValue, row.DimensionValue2, row.Orders, row.Revenue));
        var order = await db.Orders.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((null, false, false, 1m), (order.ReattributedAt, order.FirstOrder, order.CustomerInPartnerRows, order.Commission));

        // The aggregator's upsert adds to the old row and writes pair rows beside it.
        var period = new DateTime(2025, 1, 2);
        await AggregateWriter.AddAsync(
            db,
            [
                new KpiAggregate { Granularity = "day", Dimension = "partner", DimensionValue = "p-1", Period = period, Currency = "EUR", Orders = 1, Revenue = 5m },
                new KpiAggregate { Granularity = "day", Dimension = "partner,campaign", DimensionValue = "p-1", DimensionValue2 = "bf", Period = period, Currency = "EUR", Orders = 1, Revenue = 5m },
            ],
            DateTimeOffset.UtcNow,
            Ct);
        var rows = await db.Aggregates.AsNoTracking().OrderBy(r => r.Dimension).ToListAsync(Ct);
        Assert.Equal(
            [("partner", "p-1", "", 8L, 75m), ("partner,campaign", "p-1", "bf", 1L, 5m)],
            rows.Select(r => (r.Dimension, r.DimensionValue, r.DimensionValue2, r.Orders, r.Revenue)));
    }
}
