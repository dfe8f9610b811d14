using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>The status the services report: pending and parked messages and the age of the oldest pending one.</summary>
public class OutboxStatusTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOutboxStatus_CountsUnpublishedMessagesAndAgesTheOldestPending()
    {
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await using (var empty = database.CreateDbContext())
        {
            Assert.Equal(new OutboxStatus(0, 0, null), await empty.GetOutboxStatusAsync(new FakeTimeProvider(now), Ct));
        }

        await using (var db = database.CreateDbContext())
        {
            db.Set<OutboxMessage>().AddRange(
                Row(occurredAt: now.AddHours(-1)),
                Row(occurredAt: now.AddMinutes(-30)),
                Row(occurredAt: now.AddHours(-5), publishedAt: now.AddHours(-5)),
                Row(occurredAt: now.AddHours(-3), parkedAt: now.AddHours(-2)));
            await db.SaveChangesAsync(Ct);
        }

        await using var check = database.CreateDbContext();
        Assert.Equal(new OutboxStatus(2, 1, 3600), await check.GetOutboxStatusAsync(new FakeTimeProvider(now), Ct));

        // A clock behind the oldest message (another instance's clock skew) never reports a negative age.
        var behind = await check.GetOutboxStatusAsync(new FakeTimeProvider(now.AddHours(-2)), Ct);
        Assert.Equal(0, behind.OldestPendingAgeSeconds);
    }

    private static OutboxMessage Row(DateTimeOffset occurredAt, DateTimeOffset? publishedAt = null, DateTimeOffset? parkedAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        MessageUrn = "urn:message:partnermesh:tests:status:v1",
        Payload = "{}",
        OccurredAt = occurredAt,
        NextAttemptAt = occurredAt,
        PublishedAt = publishedAt,
        ParkedAt = parkedAt,
    };
}
