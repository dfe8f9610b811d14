using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Contracts.Attribution;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>Parked messages, once their cause is fixed, are re-driven by an operator and then relayed as usual.</summary>
public class OutboxRedriveTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redrive_ParkedRow_IsPublishedByTheRelayAfterwards()
    {
        // Whole seconds: PostgreSQL keeps microseconds, so the reset due time compares equal after the round trip.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()));
        var evt = await CommitEventAsync();
        var options = new OutboxOptions { MaxAttempts = 2 };
        var publisher = new RecordingPublisher { FailWith = id => id == evt.EventId ? new InvalidOperationException("broker rejects it") : null };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await RunRelayAsync(publisher, time, options);
            time.Advance(TimeSpan.FromHours(1));
        }

        Assert.NotNull((await RowAsync(evt.EventId)).ParkedAt);
        Assert.DoesNotContain(publisher.Published, p => p.MessageId == evt.EventId);

        // The cause is fixed; the operator re-drives.
        publisher.FailWith = _ => null;
        int parkedBefore, redriven;
        await using (var db = database.CreateDbContext())
        {
            // Other tests' rows in this database may have been parked by the relay passes above too.
            parkedBefore = await db.Set<OutboxMessage>().CountAsync(m => m.ParkedAt != null && m.PublishedAt == null, Ct);
            redriven = await db.RedriveParkedOutboxAsync(time, Ct);
        }

        Assert.Equal(parkedBefore, redriven);
        var reset = await RowAsync(evt.EventId);
        Assert.Equal((null, 0, time.GetUtcNow(), "broker rejects it"), (reset.ParkedAt, reset.Attempts, reset.NextAttemptAt, reset.LastError));

        await RunRelayAsync(publisher, time, options);

        Assert.Single(publisher.Published, p => p.MessageId == evt.EventId);
        var published = await RowAsync(evt.EventId);
        Assert.NotNull(published.PublishedAt);
        Assert.Equal(1, published.Attempts);
    }

    [Fact]
    public async Task Redrive_LeavesPendingAndPublishedRowsAlone()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var pending = Row(nextAttemptAt: now.AddHours(1), attempts: 3);
        var published = Row(nextAttemptAt: now.AddHours(-1), attempts: 1, publishedAt: now.AddMinutes(-30));
        var parked = Row(nextAttemptAt: now.AddHours(-1), attempts: 10, parkedAt: now.AddMinutes(-10));
        await using (var db = database.CreateDbContext())
        {
            db.Set<OutboxMessage>().AddRange(pending, published, parked);
            await db.SaveChangesAsync(Ct);
        }

        int redriven;
        await using (var db = database.CreateDbContext())
        {
            redriven = await db.RedriveParkedOutboxAsync(new FakeTimeProvider(now), Ct);
        }

        Assert.Equal(1, redriven);
        var pendingAfter = await RowAsync(pending.Id);
        var publishedAfter = await RowAsync(published.Id);
        var parkedAfter = await RowAsync(parked.Id);
        Assert.Equal((3, pending.NextAttemptAt), (pendingAfter.Attempts, pendingAfter.NextAttemptAt));
        Assert.Equal((1, published.PublishedAt), (publishedAfter.Attempts, publishedAfter.PublishedAt));
        Assert.Equal((null, 0, now), (parkedAfter.ParkedAt, parkedAfter.Attempts, parkedAfter.NextAttemptAt));
    }

    private async Task<PartnerRegistered> CommitEventAsync()
    {
        var evt = OutboxDatabase.NewEvent(DateTimeOffset.UtcNow.AddSeconds(-1));
        await using var db = database.CreateDbContext();
        db.AddIntegrationEvent(evt);
        await db.SaveChangesAsync(Ct);
        return evt;
    }

    private async Task<OutboxMessage> RowAsync(Guid id)
    {
        await using var db = database.CreateDbContext();
        return await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id, Ct);
    }

    private async Task RunRelayAsync(RecordingPublisher publisher, TimeProvider time, OutboxOptions options)
    {
        await using var db = database.CreateDbContext();
        await OutboxDatabase.CreateRelay(db, publisher, time, options).ProcessBatchAsync(Ct);
    }

    private static OutboxMessage Row(DateTimeOffset nextAttemptAt, int attempts, DateTimeOffset? publishedAt = null, DateTimeOffset? parkedAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        MessageUrn = "urn:message:partnermesh:tests:redrive:v1",
        Payload = "{}",
        OccurredAt = nextAttemptAt.AddHours(-1),
        NextAttemptAt = nextAttemptAt,
        Attempts = attempts,
        PublishedAt = publishedAt,
        ParkedAt = parkedAt,
    };
}
