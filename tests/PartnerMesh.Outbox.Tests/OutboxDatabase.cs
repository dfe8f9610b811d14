using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>A fresh database per test class with the test schema created.</summary>
public sealed class OutboxDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public TestInfrastructure Infrastructure { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Infrastructure = await TestInfrastructure.GetAsync();
        ConnectionString = await Infrastructure.CreateDatabaseAsync("outboxtests");
        await using var db = CreateDbContext();
        await db.Database.EnsureCreatedAsync();
    }

    public OutboxTestDbContext CreateDbContext() =>
        new(new DbContextOptionsBuilder<OutboxTestDbContext>().UsePartnerMeshNpgsql(ConnectionString).Options);

    public static OutboxRelay<OutboxTestDbContext> CreateRelay(
        OutboxTestDbContext db, IOutboxPublisher publisher, TimeProvider? timeProvider = null, OutboxOptions? options = null) =>
        new(db, publisher, Options.Create(options ?? new OutboxOptions()), Metrics, timeProvider ?? TimeProvider.System,
            NullLogger<OutboxRelay<OutboxTestDbContext>>.Instance);

    public static OutboxMetrics Metrics { get; } =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public static PartnerRegistered NewEvent(DateTimeOffset? occurredAt = null) =>
        TestEvents.PartnerRegistered(name: "Acme Affiliates", occurredAt: occurredAt);

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString.Length > 0)
        {
            await Infrastructure.DropDatabaseAsync(ConnectionString);
        }
    }
}
