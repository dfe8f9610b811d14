using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults;
using Xunit;

namespace PartnerMesh.Architecture.Tests;

/// <summary>
/// Each service's EF model, as the service's own code configures it, matches its last migration's snapshot: a mapping
/// change that would rename anything in the database (say, a lost snake_case convention) fails here, no database needed.
/// </summary>
public sealed class DbContextModelTests
{
    public static TheoryData<string> Services => new(Solution.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public async Task DesignTimeModel_MatchesLastMigration(string service)
    {
        // The model `dotnet ef migrations add` builds.
        await using var db = CreateDesignTimeContext(service);

        AssertNoPendingModelChanges(db);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task HostedModel_MatchesLastMigration(string service)
    {
        // The model the running service uses, registered by its AddApplicationServices. Nothing connects.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = service, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(PlaceholderConnectionStrings());
        var addApplicationServices = Assert.Single(Solution.Load(service).GetTypes()
            .Select(type => type.GetMethod("AddApplicationServices", BindingFlags.Public | BindingFlags.Static, [typeof(WebApplicationBuilder)]))
            .OfType<MethodInfo>());
        addApplicationServices.Invoke(null, [builder]);

        await using var services = builder.Services.BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = (DbContext)scope.ServiceProvider.GetRequiredService(DesignTimeFactoryOf(service).Context);

        AssertNoPendingModelChanges(db);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task MigrationCommand_KnowsTheMigrationsEfCoreKnows(string service)
    {
        // `--migrate` decides "up to date" from these without EF Core's migrator (MigrationCommand).
        await using var db = CreateDesignTimeContext(service);
        var known = (IReadOnlyList<string>)typeof(MigrationCommand).GetMethod(nameof(MigrationCommand.KnownMigrations))!
            .MakeGenericMethod(db.GetType()).Invoke(null, null)!;

        Assert.NotEmpty(known);
        Assert.Equal(db.Database.GetMigrations(), known);
    }

    private static void AssertNoPendingModelChanges(DbContext db) =>
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{db.GetType().Name} no longer matches its last migration: restore the mapping, or add a migration on purpose.");

    private static DbContext CreateDesignTimeContext(string service)
    {
        var (factory, _) = DesignTimeFactoryOf(service);
        var create = factory.GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext), [typeof(string[])])!;
        return (DbContext)create.Invoke(Activator.CreateInstance(factory), [Array.Empty<string>()])!;
    }

    private static (Type Factory, Type Context) DesignTimeFactoryOf(string service) =>
        Assert.Single(Solution.Load(service).GetTypes().SelectMany(type => type.GetInterfaces()
            .Where(contract => contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>))
            .Select(contract => (type, contract.GetGenericArguments()[0]))));

    /// <summary>Every connection string a service requires at registration; none is ever opened.</summary>
    private static Dictionary<string, string?> PlaceholderConnectionStrings()
    {
        var databases = typeof(ResourceNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.Name.EndsWith("Db", StringComparison.Ordinal))
            .Select(field => (string)field.GetRawConstantValue()!);
        var settings = databases.ToDictionary(name => $"ConnectionStrings:{name}", string? (name) => $"Host=localhost;Database={name}");
        settings[$"ConnectionStrings:{ResourceNames.Messaging}"] = "amqp://guest:guest@localhost:5672/";
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = "localhost:6379";
        return settings;
    }
}
