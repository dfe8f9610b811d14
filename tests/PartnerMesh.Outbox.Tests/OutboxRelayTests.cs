using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Contracts.Attribution;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

public class OutboxRelayTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveChanges_WithStateAndEvent_CommitsBothTogether()
    {
        var evt = OutboxDatabase.NewEvent();
        await using (var db = database.CreateDbContext())
        {
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = $"widget-{evt.EventId}" });
            db.AddIntegrationEvent(evt);
            await db.SaveChangesAsync(Ct);
        }

        await using var check = database.CreateDbContext();
        var row = await check.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct);
        Assert.Equal("urn:message:partnermesh:attribution:partner-registered:v1", row.MessageUrn);
        Assert.Null(row.PublishedAt);
        Assert.Contains(evt.PartnerId.ToString(), row.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveChanges_WhenStateChangeFails_WritesNoEvent()
    {
        var name = $"dup-{Guid.NewGuid()}";
        await using (var db = database.CreateDbContext())
        {
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = name });
            await db.SaveChangesAsync(Ct);
        }

        var evt = OutboxDatabase.NewEvent();
        await using (var db = database.CreateDbContext())
        {
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = name });
            db.AddIntegrationEvent(evt);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        }

        await using var check = database.CreateDbContext();
        Assert.False(await check.Set<OutboxMessage>().AnyAsync(m => m.Id == evt.EventId, Ct));
    }

    [Fact]
    public async Task Relay_AfterCrashBetweenCommitAndPublish_PublishesExactlyOnce()
    {
        // The "crash": the state change and its event committed, but no relay ran before the process died.
        var evt = await CommitEventAsync();

        var publisher = new RecordingPublisher();
        await RunRelayAsync(publisher);
        await RunRelayAsync(publisher);

        Assert.Single(publisher.Published, p => p.MessageId == evt.EventId);
        var published = Assert.IsType<PartnerRegistered>(publisher.Published.Single(p => p.MessageId == evt.EventId).Message);
        Assert.Equal(evt, published);
        await using var check = database.CreateDbContext();
        var row = await check.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct);
        Assert.NotNull(row.PublishedAt);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task Relay_WhenPublishFails_BacksOffAndRetriesLater()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        var evt = await CommitEventAsync();
        var publisher = new RecordingPublisher { FailWith = id => id == evt.EventId ? new InvalidOperationException("broker down") : null };

        await RunRelayAsync(publisher, time);

        await using (var check = database.CreateDbContext())
        {
            var row = await check.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct);
            Assert.Equal(1, row.Attempts);
            Assert.Equal("broker down", row.LastError);
            Assert.True(row.NextAttemptAt > time.GetUtcNow(), "the row waits before its next attempt");
            Assert.Null(row.PublishedAt);
        }

        publisher.FailWith = _ => null;
        await RunRelayAsync(publisher, time);
        Assert.DoesNotContain(publisher.Published, p => p.MessageId == evt.EventId);

        time.Advance(TimeSpan.FromMinutes(1));
        await RunRelayAsync(publisher, time);
        Assert.Single(publisher.Published, p => p.MessageId == evt.EventId);
    }

    [Fact]
    public async Task Relay_AfterMaxAttempts_ParksTheRow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(2));
        var evt = await CommitEventAsync();
        var publisher = new RecordingPublisher { FailWith = id => id == evt.EventId ? new InvalidOperationException("poison") : null };
        var options = new OutboxOptions { MaxAttempts = 3 };

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await RunRelayAsync(publisher, time, options);
            time.Advance(TimeSpan.FromHours(1));
        }

        await using var check = database.CreateDbContext();
        var row = await check.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct);
        Assert.Equal(3, row.Attempts);
        Assert.NotNull(row.ParkedAt);
        Assert.Null(row.PublishedAt);
    }

    [Fact]
    public async Task TwoRelays_RunningConcurrently_NeverPublishTheSameRowTwice()
    {
        var events = new List<PartnerRegistered>();
        for (var i = 0; i < 40; i++)
        {
            events.Add(await CommitEventAsync());
        }

        var publisher = new RecordingPublisher { Delay = TimeSpan.FromMilliseconds(5) };
        var options = new OutboxOptions { BatchSize = 10 };
        var relays = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (await RunRelayAsync(publisher, options: options) > 0)
            {
            }
        }, Ct));
        await Task.WhenAll(relays);

        var ours = publisher.Published.Where(p => events.Any(e => e.EventId == p.MessageId)).Select(p => p.MessageId).ToList();
        Assert.Equal(events.Count, ours.Count);
        Assert.Equal(events.Count, ours.Distinct().Count());
    }

    [Fact]
    public async Task Relay_WithPublishConcurrency_PublishesInParallelAndStillRecordsEachOutcome()
    {
        var events = new List<PartnerRegistered>();
        for (var i = 0; i < 30; i++)
        {
            events.Add(await CommitEventAsync());
        }

        var poisoned = events[7].EventId;
        var publisher = new RecordingPublisher
        {
            Delay = TimeSpan.FromMilliseconds(20),
            FailWith = id => id == poisoned ? new InvalidOperationException("broker refused") : null,
        };
        var options = new OutboxOptions { BatchSize = 100, PublishConcurrency = 8 };

        while (await RunRelayAsync(publisher, options: options) > 1)
        {
        }

        Assert.InRange(publisher.MaxInFlight, 2, 8);
        var published = publisher.Published.Select(p => p.MessageId).ToHashSet();
        Assert.All(events.Where(e => e.EventId != poisoned), e => Assert.Contains(e.EventId, published));
        await using var check = database.CreateDbContext();
        var ids = events.Select(e => e.EventId).ToList();
        var rows = await check.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ToListAsync(Ct);
        Assert.Equal(29, rows.Count(row => row.PublishedAt is not null && row.Attempts == 1));
        var failed = Assert.Single(rows, row => row.PublishedAt is null);
        Assert.Equal((poisoned, 1, "broker refused"), (failed.Id, failed.Attempts, failed.LastError));
    }

    [Fact]
    public async Task Relay_CarriesTheProducersTraceContext()
    {
        using var source = new ActivitySource("PartnerMesh.Outbox.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "PartnerMesh.Outbox.Tests" or "PartnerMesh.Outbox",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        PartnerRegistered evt;
        ActivityTraceId producerTrace;
        using (var producer = source.StartActivity("produce"))
        {
            producerTrace = producer!.TraceId;
            evt = await CommitEventAsync();
        }

        var relayTraces = new List<ActivityTraceId>();
        var publisher = new RecordingPublisher();
        publisher.FailWith = id =>
        {
            if (id == evt.EventId && Activity.Current is { } current)
            {
                relayTraces.Add(current.TraceId);
            }

            return null;
        };
        await RunRelayAsync(publisher);

        Assert.Contains(producerTrace, relayTraces);
    }

    private async Task<PartnerRegistered> CommitEventAsync()
    {
        var evt = OutboxDatabase.NewEvent(DateTimeOffset.UtcNow.AddSeconds(-1));
        await using var db = database.CreateDbContext();
        db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = $"widget-{evt.EventId}" });
        db.AddIntegrationEvent(evt);
        await db.SaveChangesAsync(Ct);
        return evt;
    }

    private async Task<int> RunRelayAsync(RecordingPublisher publisher, TimeProvider? time = null, OutboxOptions? options = null)
    {
        await using var db = database.CreateDbContext();
        return await OutboxDatabase.CreateRelay(db, publisher, time, options).ProcessBatchAsync(Ct);
    }
}
