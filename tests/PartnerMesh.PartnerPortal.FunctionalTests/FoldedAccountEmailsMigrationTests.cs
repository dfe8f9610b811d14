using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Accounts opened before e-mails were keyed by the shared rule: their keys are folded as the code folds them now, and a
/// look-alike of an older active account's e-mail is disabled, so the unique index of active e-mails holds.
/// </summary>
public sealed class FoldedAccountEmailsMigrationTests : IAsyncLifetime
{
    private const string BeforeFoldedEmails = "20261206184454_PortalSessions";

    private TestInfrastructure _infrastructure = null!;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _connectionString = await _infrastructure.CreateDatabaseAsync("portalemails");
    }

    public async ValueTask DisposeAsync() => await _infrastructure.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Upgrade_FoldsTheKeysLikeTheCode_AndDisablesLookAlikesOfOlderActiveAccounts()
    {
        await using var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UsePartnerMeshNpgsql(_connectionString).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeFoldedEmails, Ct);
        string[] emails =
        [
            "owner@partner.example", // the original
            "owner\u200b@partner.example", // its look-alike, opened later for another partner
            "\uff4f\uff57\uff4e\uff45\uff52@partner.example", // another one, disabled already
            "so\u00adle@partner.example", // a look-alike of no one: kept, folded
            "\u210cans\u00e9@partner.example", // NFKC gives a capital (ℌ → H), lower-cased after it, as the fold does
            "ascii@partner.example",
        ];
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO partners (id, name, kind, registered_at)
            VALUES ('00000000-0000-0000-0000-0000000000a1', 'A', 'affiliate', TIMESTAMPTZ '2026-01-01Z'),
                   ('00000000-0000-0000-0000-0000000000b2', 'B', 'affiliate', TIMESTAMPTZ '2026-01-01Z');
            INSERT INTO portal_accounts (id, partner_id, email, normalized_email, password_hash, created_at, disabled_at)
            VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', {0}, lower({0}), '', TIMESTAMPTZ '2026-01-01Z', NULL),
                   ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000b2', {1}, lower({1}), '', TIMESTAMPTZ '2026-01-02Z', NULL),
                   ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-0000000000b2', {2}, lower({2}), '', TIMESTAMPTZ '2026-01-03Z', TIMESTAMPTZ '2026-01-04Z'),
                   ('00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-0000000000b2', {3}, lower({3}), '', TIMESTAMPTZ '2026-01-05Z', NULL),
                   ('00000000-0000-0000-0000-000000000005', '00000000-0000-0000-0000-0000000000b2', {4}, {6}, '', TIMESTAMPTZ '2026-01-06Z', NULL),
                   ('00000000-0000-0000-0000-000000000006', '00000000-0000-0000-0000-0000000000b2', {5}, lower({5}), '', TIMESTAMPTZ '2026-01-07Z', NULL);
            """,
            [.. emails, emails[4].ToLowerInvariant()],
            Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var accounts = await db.Accounts.AsNoTracking().OrderBy(account => account.CreatedAt).ToListAsync(Ct);
        Assert.Equal(emails, accounts.Select(account => account.Email));
        Assert.Equal(emails.Select(AccountRules.NormalizeEmail), accounts.Select(account => account.NormalizedEmail));
        Assert.Equal(
            [false, true, true, false, false, false],
            accounts.Select(account => account.DisabledAt is not null));
        Assert.Equal(new DateTimeOffset(2026, 1, 4, 0, 0, 0, TimeSpan.Zero), accounts[2].DisabledAt);
    }
}
