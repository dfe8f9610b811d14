using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.IntegrationEvents;
using PartnerMesh.Outbox;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class KpiIngestionTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    [Fact]
    public async Task ClickRecorded_WhenPublished_CountsOnUtcDayOfOccurredAt()
    {
        var partnerId = Guid.NewGuid();

        // 23:30 in New York on 10 March is 04:30 UTC on 11 March.
        await factory.PublishAsync(Events.Click(partnerId, new DateTimeOffset(2025, 3, 10, 23, 30, 0, TimeSpan.FromHours(-5))));

        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 3, 11), kpi => kpi.Clicks == 1);
        Assert.Equal(0, kpi.Orders);
        Assert.Empty(await factory.SalesAsync(partnerId, new DateOnly(2025, 3, 11)));
        Assert.Null(await factory.FindAsync(partnerId, new DateOnly(2025, 3, 10)));
    }

    [Fact]
    public async Task ConversionAttributed_WhenPublished_AddsOrderRevenueAndCommissionOnUtcOrderDay()
    {
        var partnerId = Guid.NewGuid();

        // 01:00 at UTC+2 on 11 March is 23:00 UTC on 10 March; attribution happens later (OccurredAt) but counts on the order day.
        var orderedAt = new DateTimeOffset(2025, 3, 11, 1, 0, 0, TimeSpan.FromHours(2));
        await factory.PublishAsync(Events.Conversion(partnerId, orderedAt, 120.50m, 12.05m) with { OccurredAt = orderedAt.AddDays(2) });
        await factory.PublishAsync(Events.Conversion(partnerId, orderedAt.AddMinutes(10), 79.50m, 7.95m));

        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 3, 10), kpi => kpi.Orders == 2);
        var sales = Assert.Single(await factory.SalesAsync(partnerId, new DateOnly(2025, 3, 10)));
        Assert.Equal(("EUR", 2L, 200.00m, 20.00m), (sales.Currency, sales.Orders, sales.Revenue, sales.Commission));
        Assert.Equal(0, kpi.Clicks);
        Assert.Null(await factory.FindAsync(partnerId, new DateOnly(2025, 3, 11)));
    }

    [Fact]
    public async Task ConversionAttributed_InTwoCurrencies_KeepsTheMoneyApart()
    {
        var partnerId = Guid.NewGuid();
        var orderedAt = new DateTimeOffset(2025, 3, 12, 9, 0, 0, TimeSpan.Zero);

        await factory.PublishAsync(Events.Conversion(partnerId, orderedAt, 100.00m, 10.00m, "EUR"));
        await factory.PublishAsync(Events.Conversion(partnerId, orderedAt.AddMinutes(1), 40.00m, 4.00m, "USD"));
        await factory.PublishAsync(Events.Conversion(partnerId, orderedAt.AddMinutes(2), 20.00m, 2.00m, "EUR"));

        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 3, 12), kpi => kpi.Orders == 3);
        var sales = await factory.SalesAsync(partnerId, new DateOnly(2025, 3, 12));
        Assert.Equal(
            [("EUR", 2L, 120.00m, 12.00m), ("USD", 1L, 40.00m, 4.00m)],
            sales.Select(row => (row.Currency, row.Orders, row.Revenue, row.Commission)));
        Assert.Equal(3, kpi.Orders);
    }

    [Fact]
    public async Task ClickStream_ForOnePartner_CountsEveryClickExactlyOnce()
    {
        var partnerId = Guid.NewGuid();
        var day = new DateTimeOffset(2025, 4, 3, 10, 0, 0, TimeSpan.Zero);
        var clicks = Enumerable.Range(0, 300).Select(index => Events.Click(partnerId, day.AddSeconds(index))).ToList();

        await Task.WhenAll(clicks.Select(factory.PublishAsync));
        await Task.WhenAll(clicks.Take(50).Select(factory.PublishAsync));

        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 4, 3), row => row.Clicks >= 300);
        Assert.Equal(300, kpi.Clicks);
    }

    [Fact]
    public async Task ClickRecorded_WhenRedelivered_CountsOnce()
    {
        using var duplicates = new InboxDuplicates(factory.Services);
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, new DateTimeOffset(2025, 4, 1, 12, 0, 0, TimeSpan.Zero));

        // Clicks are consumed in batches, and MassTransit keeps one message per id in a batch: each redelivery is sent
        // after the previous delivery was handled, so it reaches the inbox rather than the batch.
        await factory.PublishAsync(click);
        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 4, 1), _ => true);
        await factory.PublishAsync(click);
        await duplicates.WaitForAsync(1, nameof(RecordClicksConsumer));
        await factory.PublishAsync(click);
        await duplicates.WaitForAsync(2, nameof(RecordClicksConsumer));

        kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 4, 1), _ => true);
        Assert.Equal(1, kpi.Clicks);
        Assert.Equal(1, await CountInboxAsync(click.EventId));
    }

    [Fact]
    public async Task ConversionAttributed_WhenRedelivered_CountsOnce()
    {
        using var duplicates = new InboxDuplicates(factory.Services);
        var partnerId = Guid.NewGuid();
        var conversion = Events.Conversion(partnerId, new DateTimeOffset(2025, 4, 2, 9, 0, 0, TimeSpan.Zero), 99.99m, 9.99m);

        await factory.PublishAsync(conversion);
        await factory.PublishAsync(conversion);

        await duplicates.WaitForAsync(1, nameof(RecordConversionConsumer));
        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 4, 2), _ => true);
        Assert.Equal(1, kpi.Orders);
        var sales = Assert.Single(await factory.SalesAsync(partnerId, new DateOnly(2025, 4, 2)));
        Assert.Equal((1L, 99.99m, 9.99m), (sales.Orders, sales.Revenue, sales.Commission));
    }

    [Fact]
    public async Task ClickRecorded_FiftyConcurrentForSamePartnerAndDay_AllCount()
    {
        var partnerId = Guid.NewGuid();
        var occurredAt = new DateTimeOffset(2025, 5, 5, 10, 0, 0, TimeSpan.Zero);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => factory.PublishAsync(Events.Click(partnerId, occurredAt.AddSeconds(i)))));

        var kpi = await factory.WaitForAsync(partnerId, new DateOnly(2025, 5, 5), kpi => kpi.Clicks >= 50);
        Assert.Equal(50, kpi.Clicks);
    }

    [Fact]
    public async Task PartnerRegistered_WhenPublished_StoresPartnerAndKeepsItCurrent()
    {
        var partnerId = Guid.NewGuid();
        var registered = TestEvents.PartnerRegistered(partnerId, "Deal Hunters");

        await factory.PublishAsync(registered);
        await factory.WaitForPartnerAsync(partnerId);

        var partner = await factory.QueryDbAsync(db => db.Partners.AsNoTracking().SingleAsync(p => p.Id == partnerId));
        Assert.Equal("Deal Hunters", partner.Name);
        Assert.Equal("affiliate", partner.Kind);
        Assert.Equal(registered.OccurredAt.ToUnixTimeMilliseconds(), partner.RegisteredAt.ToUnixTimeMilliseconds());

        await factory.PublishAsync(TestEvents.PartnerRegistered(partnerId, "Deal Hunters GmbH"));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db =>
            db.Partners.AnyAsync(p => p.Id == partnerId && p.Name == "Deal Hunters GmbH")));
    }

    [Fact]
    public async Task ClickRecorded_WhenApplied_RecordsEventLagAndIngestedCount()
    {
        using var analytics = new MeasurementRecorder(
            factory.Services, AnalyticsMetrics.MeterName, AnalyticsMetrics.EventLagInstrument, AnalyticsMetrics.ClicksIngestedInstrument);
        var partnerId = Guid.NewGuid();
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-2);

        await factory.PublishAsync(Events.Click(partnerId, occurredAt));
        await factory.WaitForAsync(partnerId, DateOnly.FromDateTime(occurredAt.UtcDateTime), kpi => kpi.Clicks == 1);

        await Eventually.UntilAsync(() => Task.FromResult(
            analytics.ValuesTagged("event", "click-recorded", AnalyticsMetrics.EventLagInstrument).Any(seconds => seconds >= 120)));
        await Eventually.UntilAsync(() => Task.FromResult(analytics.Sum(AnalyticsMetrics.ClicksIngestedInstrument) >= 1));
    }

    private Task<int> CountInboxAsync(Guid messageId) =>
        factory.QueryDbAsync(db => db.Set<InboxMessage>().CountAsync(message => message.MessageId == messageId));
}
