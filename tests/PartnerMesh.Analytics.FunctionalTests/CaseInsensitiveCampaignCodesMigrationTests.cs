using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Campaigns saved before codes became unique in any case: the oldest keeps a shared code, the others get a suffix so the index builds.</summary>
public sealed class CaseInsensitiveCampaignCodesMigrationTests : IAsyncLifetime
{
    private const string BeforeCaseInsensitiveCodes = "20261206073643_NetRevenue";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("analyticscodes");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_SuffixesAllButTheOldestOfCodesDifferingOnlyByCase_ThenRefusesAnotherCase()
    {
        await using var db = new AnalyticsDbContext(new DbContextOptionsBuilder<AnalyticsDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeCaseInsensitiveCodes, Ct);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO campaigns (id, name, code, starts_on, ends_on, partner_ids, incentives, targets, created_at, updated_at)
            VALUES ('00000000-0000-0000-0000-000000000001', 'Black Friday', 'BF', DATE '2025-11-28', DATE '2025-11-28', ARRAY[]::uuid[], ARRAY[]::text[], jsonb_build_object(), TIMESTAMPTZ '2025-01-01Z', now()),
                   ('bbbbbbbb-0000-0000-0000-000000000002', 'Black Friday copy', 'bf', DATE '2025-11-28', DATE '2025-11-28', ARRAY[]::uuid[], ARRAY[]::text[], jsonb_build_object(), TIMESTAMPTZ '2025-01-02Z', now()),
                   ('00000000-0000-0000-0000-000000000003', 'Easter', 'easter', DATE '2025-04-20', DATE '2025-04-20', ARRAY[]::uuid[], ARRAY[]::text[], jsonb_build_object(), TIMESTAMPTZ '2025-01-03Z', now())
            """,
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var codes = await db.Campaigns.AsNoTracking().OrderBy(c => c.CreatedAt).Select(c => c.Code).ToListAsync(Ct);
        Assert.Equal(["BF", "bf-bbbbbbbb", "easter"], codes);
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO campaigns (id, name, code, starts_on, ends_on, partner_ids, incentives, targets, created_at, updated_at)
            VALUES (gen_random_uuid(), 'Easter again', 'EASTER', DATE '2025-04-20', DATE '2025-04-20', ARRAY[]::uuid[], ARRAY[]::text[], jsonb_build_object(), now(), now())
            """,
            Ct));
        Assert.Equal((PostgresErrorCodes.UniqueViolation, CampaignConfiguration.UniqueCodeIndex), (duplicate.SqlState, duplicate.ConstraintName));
    }
}
