using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>Runs the built gateway as the AppHost does: <c>dotnet PartnerMesh.Gateway.dll --migrate | --bootstrap-admin-key | --new-admin-key</c>.</summary>
public sealed class BootstrapCommandTests : IAsyncLifetime
{
    private const string KeyLinePattern = "^PARTNERMESH_ADMIN_KEY=pm_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$";
    private TestInfrastructure? _infrastructure;
    private string _database = "";

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _database = await _infrastructure.CreateDatabaseAsync("gatewaycli");
    }

    public async ValueTask DisposeAsync()
    {
        if (_infrastructure is not null && _database.Length > 0)
        {
            await _infrastructure.DropDatabaseAsync(_database);
        }
    }

    [Fact]
    public async Task BootstrapAdminKey_AfterMigrate_PrintsKeyOnceThenExists()
    {
        var migrate = await RunGatewayAsync("--migrate");
        Assert.True(migrate.ExitCode == 0, migrate.StandardError);

        var first = await RunGatewayAsync("--bootstrap-admin-key");
        var second = await RunGatewayAsync("--bootstrap-admin-key");

        Assert.True(first.ExitCode == 0, first.StandardError);
        var line = Assert.Single(first.Lines);
        Assert.Matches(KeyLinePattern, line);
        Assert.True(ApiKeyFormat.TryParse(line["PARTNERMESH_ADMIN_KEY=".Length..], out var keyId, out var secret));
        var stored = await QueryAsync(db => db.ApiKeys.SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal((keyId, "bootstrap-admin", PartnerMeshScopes.Admin, 120), (stored.Id, stored.Name, stored.Scope, stored.RateLimitPerMinute));
        Assert.Equal(ApiKeyFormat.HashSecret(secret), stored.SecretHash);

        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Equal(["PARTNERMESH_ADMIN_KEY_EXISTS"], second.Lines);
        Assert.Equal(1, await QueryAsync(db => db.ApiKeys.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task BootstrapAdminKey_WhenOnlyRevokedAdminKeysExist_CreatesANewOne()
    {
        Assert.Equal(0, (await RunGatewayAsync("--migrate")).ExitCode);
        Assert.Single((await RunGatewayAsync("--bootstrap-admin-key")).Lines);
        await QueryAsync(db => db.ApiKeys.ExecuteUpdateAsync(
            setters => setters.SetProperty(key => key.RevokedAt, DateTimeOffset.UtcNow), TestContext.Current.CancellationToken));

        var again = await RunGatewayAsync("--bootstrap-admin-key");

        Assert.Matches(KeyLinePattern, Assert.Single(again.Lines));
    }

    [Fact]
    public async Task NewAdminKey_AlwaysCreatesANamedAdminKey()
    {
        Assert.Equal(0, (await RunGatewayAsync("--migrate")).ExitCode);
        Assert.Single((await RunGatewayAsync("--bootstrap-admin-key")).Lines);

        var named = await RunGatewayAsync("--new-admin-key", "ops-team");
        var unnamed = await RunGatewayAsync("--new-admin-key");

        Assert.Matches(KeyLinePattern, Assert.Single(named.Lines));
        Assert.Matches(KeyLinePattern, Assert.Single(unnamed.Lines));
        var names = await QueryAsync(db => db.ApiKeys.Where(key => key.Scope == PartnerMeshScopes.Admin)
            .OrderBy(key => key.CreatedAt).Select(key => key.Name).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["bootstrap-admin", "ops-team", "admin"], names);
    }

    [Fact]
    public async Task BootstrapAdminKey_BeforeMigrations_FailsWithoutPrintingAKey()
    {
        var result = await RunGatewayAsync("--bootstrap-admin-key");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("--migrate", result.StandardError);
    }

    private async Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query)
    {
        await using var db = new GatewayDbContext(new DbContextOptionsBuilder<GatewayDbContext>().UsePartnerMeshNpgsql(_database).Options);
        return await query(db);
    }

    private Task<HostCommandResult> RunGatewayAsync(params string[] arguments) =>
        HostCommandRunner.RunAsync(
            typeof(ApiKeyFormat).Assembly,
            new Dictionary<string, string?>
            {
                [$"ConnectionStrings__{ResourceNames.GatewayDb}"] = _database,
                [$"ConnectionStrings__{ResourceNames.Redis}"] = _infrastructure!.RedisConnectionString,
            },
            arguments);
}
