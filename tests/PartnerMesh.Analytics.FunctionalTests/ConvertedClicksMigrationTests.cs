using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Days recorded before converted clicks were kept keep their counts; their new figures start at 0.</summary>
public sealed class ConvertedClicksMigrationTests : IAsyncLifetime
{
    private const string BeforeConvertedClicks = "20261124041638_SalesPerCurrency";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticsconverted");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_KeepsClicksAndOrders_AndStartsConvertedClicksAtZero()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeConvertedClicks, Ct);
        var partnerId = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO partner_daily_kpis (partner_id, day, clicks, orders, updated_at) VALUES ({partnerId}, DATE '2025-01-02', 1, 9, now())",
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var kpi = await db.DailyKpis.AsNoTracking().SingleAsync(row => row.PartnerId == partnerId, Ct);
        Assert.Equal((1L, 9L, 0L, 0L), (kpi.Clicks, kpi.Orders, kpi.ConvertedClicks, kpi.OrdersFromClicks));
        Assert.Empty(await db.ClickConversions.ToListAsync(Ct));
    }
}
