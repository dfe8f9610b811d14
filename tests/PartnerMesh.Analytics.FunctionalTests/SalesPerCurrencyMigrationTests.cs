using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Money recorded before analytics kept currencies survives the move to per-currency sales.</summary>
public sealed class SalesPerCurrencyMigrationTests : IAsyncLifetime
{
    private const string BeforeSalesPerCurrency = "20261124015645_Initial";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticsmigration");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_MovesExistingSumsToSalesWithoutCurrency()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeSalesPerCurrency, Ct);
        var (withOrders, clicksOnly) = (Guid.NewGuid(), Guid.NewGuid());
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO partner_daily_kpis (partner_id, day, clicks, orders, revenue, commission, updated_at) VALUES
                ({withOrders}, DATE '2025-01-02', 7, 2, 150.00, 15.00, now()),
                ({clicksOnly}, DATE '2025-01-02', 3, 0, 0, 0, now())
            """,
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var sales = await db.DailySales.AsNoTracking().Where(row => row.PartnerId == withOrders || row.PartnerId == clicksOnly).ToListAsync(Ct);
        var moved = Assert.Single(sales);
        Assert.Equal(
            (withOrders, new DateOnly(2025, 1, 2), PartnerDailySales.UnknownCurrency, 2L, 150.00m, 15.00m),
            (moved.PartnerId, moved.Day, moved.Currency, moved.Orders, moved.Revenue, moved.Commission));
        var kpis = await db.DailyKpis.AsNoTracking().OrderByDescending(kpi => kpi.Clicks).ToListAsync(Ct);
        Assert.Equal([(withOrders, 7L, 2L), (clicksOnly, 3L, 0L)], kpis.Select(kpi => (kpi.PartnerId, kpi.Clicks, kpi.Orders)));
    }

    [Fact]
    public async Task MigrationHistory_KeepsEfColumnNames_SoDatabasesFromBeforeTheNamingConventionStillMigrate()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);

        await db.Database.MigrateAsync(Ct);
        await db.Database.MigrateAsync(Ct); // reads the history: fails if the history and the repository disagree

        var columns = await db.Database.SqlQuery<string>(
            $"SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = '__EFMigrationsHistory' ORDER BY column_name").ToListAsync(Ct);
        Assert.Equal(["MigrationId", "ProductVersion"], columns);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }
}
