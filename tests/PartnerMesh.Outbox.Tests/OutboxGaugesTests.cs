using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PartnerMesh.Data;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>
/// The outbox gauges of a running host (relay and status refresh as a service runs them) report what waits in its
/// database, and follow a re-drive.
/// </summary>
public sealed class OutboxGaugesTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>, IAsyncLifetime
{
    private readonly RecordingPublisher _publisher = new();
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Outbox:StatusInterval"] = "00:00:00.100";
        builder.Services.AddSingleton<IOutboxPublisher>(_publisher);
        builder.Services.AddDbContext<OutboxTestDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(database.ConnectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<OutboxTestDbContext>();
        _host = builder.Build();
        await _host.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    [Fact]
    public async Task Gauges_ReportPendingAndParkedRows_AndFollowARedrive()
    {
        using var gauges = new MeasurementRecorder(
            _host.Services, OutboxMetrics.MeterName,
            OutboxMetrics.PendingInstrument, OutboxMetrics.ParkedRowsInstrument, OutboxMetrics.OldestPendingAgeInstrument);
        var now = DateTimeOffset.UtcNow;
        var parked = OutboxDatabase.NewEvent(now.AddHours(-3));
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
            // Two pending rows the relay leaves alone for now (not due for an hour), one published, one parked.
            db.Set<OutboxMessage>().AddRange(
                Row(occurredAt: now.AddHours(-1), nextAttemptAt: now.AddHours(1)),
                Row(occurredAt: now.AddMinutes(-30), nextAttemptAt: now.AddHours(1)),
                Row(occurredAt: now.AddHours(-5), nextAttemptAt: now.AddHours(-5), publishedAt: now.AddHours(-5)));
            db.AddIntegrationEvent(parked);
            var parkedRow = db.Set<OutboxMessage>().Local.Single(m => m.Id == parked.EventId);
            parkedRow.ParkedAt = now.AddHours(-2);
            parkedRow.Attempts = 10;
            await db.SaveChangesAsync(Ct);
        }

        await WaitForAsync(gauges, pending: 2, parked: 1);
        Assert.InRange(gauges.Latest(OutboxMetrics.OldestPendingAgeInstrument) ?? 0, 3600, 3600 + 300);

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
            Assert.Equal(1, await db.RedriveParkedOutboxAsync(TimeProvider.System, Ct));
        }

        // The relay publishes the re-driven row on its next poll; the pending rows stay.
        await Eventually.UntilAsync(() => Task.FromResult(_publisher.Published.Any(p => p.MessageId == parked.EventId)));
        await WaitForAsync(gauges, pending: 2, parked: 0);
    }

    private static Task WaitForAsync(MeasurementRecorder gauges, long pending, long parked) =>
        Eventually.UntilAsync(
            () =>
            {
                gauges.RecordObservableInstruments();
                return Task.FromResult(
                    gauges.Latest(OutboxMetrics.PendingInstrument) == pending && gauges.Latest(OutboxMetrics.ParkedRowsInstrument) == parked);
            },
            because: $"the gauges should report {pending} pending and {parked} parked");

    private static OutboxMessage Row(DateTimeOffset occurredAt, DateTimeOffset nextAttemptAt, DateTimeOffset? publishedAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        MessageUrn = "urn:message:partnermesh:tests:gauges:v1",
        Payload = "{}",
        OccurredAt = occurredAt,
        NextAttemptAt = nextAttemptAt,
        PublishedAt = publishedAt,
    };
}
