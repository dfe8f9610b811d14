using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The conversion rate is converted clicks over clicks and never passes 100 %; orders per click is its own figure.
/// Each test uses its own partner, so days may repeat across tests.
/// </summary>
public class ConversionRateTests(AnalyticsApiFactory factory) : IClassFixture<AnalyticsApiFactory>
{
    private static readonly DateTimeOffset Morning = new(2025, 10, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2025, 10, 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneClickFollowedByNineOrders_IsOneConvertedClick_100PercentAndNineOrdersPerClick()
    {
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, Morning);
        await factory.PublishAsync(click);
        foreach (var i in Enumerable.Range(1, 9))
        {
            await factory.PublishAsync(Events.OrderFrom(click, Morning.AddMinutes(i)));
        }

        await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 1, Orders: 9, OrdersFromClicks: 9 });
        var report = await DailyAsync(partnerId);

        var day = Assert.Single(report.Days);
        Assert.Equal((1L, 9L, 1L, 9L, 1.0m, 9m), Figures(day));
        Assert.Equal((1L, 9L, 1L, 9L, 1.0m, 9m), Figures(report.Totals));
    }

    [Fact]
    public async Task FourClicksOneOfThemConvertingTwice_Is25PercentAndHalfAnOrderPerClick()
    {
        var partnerId = Guid.NewGuid();
        var clicks = Enumerable.Range(0, 4).Select(i => Events.Click(partnerId, Morning.AddMinutes(i))).ToList();
        foreach (var click in clicks)
        {
            await factory.PublishAsync(click);
        }

        await factory.PublishAsync(Events.OrderFrom(clicks[2], Morning.AddHours(1)));
        await factory.PublishAsync(Events.OrderFrom(clicks[2], Morning.AddHours(2)));

        await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 4, OrdersFromClicks: 2 });
        var report = await DailyAsync(partnerId);

        Assert.Equal((4L, 2L, 1L, 2L, 0.25m, 0.5m), Figures(Assert.Single(report.Days)));
        Assert.Equal((4L, 2L, 1L, 2L, 0.25m, 0.5m), Figures(report.Totals));
    }

    [Fact]
    public async Task TwoOfThreeClicksConverting_IsRoundedToFourDecimals()
    {
        var partnerId = Guid.NewGuid();
        var clicks = Enumerable.Range(0, 3).Select(i => Events.Click(partnerId, Morning.AddMinutes(i))).ToList();
        foreach (var click in clicks)
        {
            await factory.PublishAsync(click);
        }

        await factory.PublishAsync(Events.OrderFrom(clicks[0], Morning.AddHours(1)));
        await factory.PublishAsync(Events.OrderFrom(clicks[1], Morning.AddHours(1)));

        await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 3, OrdersFromClicks: 2 });
        var day = Assert.Single((await DailyAsync(partnerId)).Days);

        Assert.Equal((0.6667m, 0.6667m), (day.ConversionRate, day.OrdersPerClick));
    }

    [Fact]
    public async Task NoClicks_RatesAreNullNotZero_EvenWithOrders()
    {
        var partnerId = Guid.NewGuid();
        await factory.PublishAsync(Events.Conversion(partnerId, Morning, 80m, 8m));
        await factory.WaitForAsync(partnerId, Day, kpi => kpi.Orders == 1);

        var body = await factory.CreatePartnerClient(partnerId).GetStringAsync(DailyUrl(partnerId), Ct);

        using var json = JsonDocument.Parse(body);
        foreach (var figures in new[] { json.RootElement.GetProperty("days")[0], json.RootElement.GetProperty("totals") })
        {
            Assert.Equal(0, figures.GetProperty("clicks").GetInt64());
            Assert.Equal(1, figures.GetProperty("orders").GetInt64());
            Assert.Equal(JsonValueKind.Null, figures.GetProperty("conversionRate").ValueKind);
            Assert.Equal(JsonValueKind.Null, figures.GetProperty("ordersPerClick").ValueKind);
        }
    }

    [Fact]
    public async Task NoActivityAtAll_TotalsRatesAreNull()
    {
        var partnerId = Guid.NewGuid();

        var report = await DailyAsync(partnerId);

        Assert.Empty(report.Days);
        Assert.Equal((0L, 0L, 0L, 0L, null, null), Figures(report.Totals));
    }

    [Fact]
    public async Task OrdersWithoutAClick_CountAsOrdersButNeitherRate()
    {
        var partnerId = Guid.NewGuid();
        var (converting, other) = (Events.Click(partnerId, Morning), Events.Click(partnerId, Morning.AddMinutes(1)));
        await factory.PublishAsync(converting);
        await factory.PublishAsync(other);
        await factory.PublishAsync(Events.OrderFrom(converting, Morning.AddHours(1)));
        foreach (var i in Enumerable.Range(0, 5))
        {
            await factory.PublishAsync(Events.Conversion(partnerId, Morning.AddHours(2).AddMinutes(i), 20m, 2m));
        }

        await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 2, Orders: 6 });
        var report = await DailyAsync(partnerId);

        Assert.Equal((2L, 6L, 1L, 1L, 0.5m, 0.5m), Figures(Assert.Single(report.Days)));
    }

    [Fact]
    public async Task OrderOnALaterDay_CountsOnTheClicksDay()
    {
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, Morning);
        await factory.PublishAsync(click);
        await factory.PublishAsync(Events.OrderFrom(click, Morning.AddDays(2)));

        await factory.WaitForAsync(partnerId, Day, kpi => kpi.ConvertedClicks == 1);
        await factory.WaitForAsync(partnerId, Day.AddDays(2), kpi => kpi.Orders == 1);
        var report = await DailyAsync(partnerId, Day.AddDays(2));

        Assert.Equal(
            [(Day, (1L, 0L, 1L, 1L, 1.0m, 1.0m)), (Day.AddDays(2), (0L, 1L, 0L, 0L, null, null))],
            report.Days.Select(day => (day.Day, Figures(day))));
        Assert.Equal((1L, 1L, 1L, 1L, 1.0m, 1.0m), Figures(report.Totals));
    }

    [Fact]
    public async Task OrdersArrivingBeforeTheirClick_CountWhenTheClickDoes()
    {
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, Morning);
        await factory.PublishAsync(Events.OrderFrom(click, Morning.AddMinutes(5)));
        await factory.PublishAsync(Events.OrderFrom(click, Morning.AddMinutes(6)));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db =>
            db.ClickConversions.AnyAsync(row => row.ClickId == click.ClickId && row.Orders == 2 && row.Day == null)));
        var beforeTheClick = await factory.FindAsync(partnerId, Day);
        Assert.Equal((0L, 2L, 0L, 0L), (beforeTheClick!.Clicks, beforeTheClick.Orders, beforeTheClick.ConvertedClicks, beforeTheClick.OrdersFromClicks));

        await factory.PublishAsync(click);

        await factory.WaitForAsync(partnerId, Day, kpi => kpi.Clicks == 1);
        Assert.Equal((1L, 2L, 1L, 2L, 1.0m, 2m), Figures(Assert.Single((await DailyAsync(partnerId)).Days)));
    }

    [Fact]
    public async Task ClickRepublishedUnderANewEventId_CountsOnce()
    {
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, Morning);
        await factory.PublishAsync(click);
        await factory.PublishAsync(Events.OrderFrom(click, Morning.AddMinutes(5)));
        await factory.WaitForAsync(partnerId, Day, kpi => kpi.OrdersFromClicks == 1);

        var republished = click with { EventId = Guid.NewGuid() };
        await factory.PublishAsync(republished);
        // The inbox row commits with the consumer's effects: once it is there, the republished click has been handled.
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(message => message.MessageId == republished.EventId)));

        Assert.Equal((1L, 1L, 1L, 1L, 1.0m, 1.0m), Figures(Assert.Single((await DailyAsync(partnerId)).Days)));
    }

    [Fact]
    public async Task ManyOrdersFromOneClickAtOnce_ConvertTheClickExactlyOnce()
    {
        var partnerId = Guid.NewGuid();
        var click = Events.Click(partnerId, Morning);
        const int orders = 30;

        await Task.WhenAll(Enumerable.Range(0, orders)
            .Select(i => factory.PublishAsync(Events.OrderFrom(click, Morning.AddMinutes(i))))
            .Append(factory.PublishAsync(click)));

        var kpi = await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 1, OrdersFromClicks: orders });
        Assert.Equal((1L, orders, 1L), (kpi.Clicks, kpi.Orders, kpi.ConvertedClicks));
    }

    [Fact]
    public async Task ConversionRate_NeverPassesOneHundredPercent()
    {
        var partnerId = Guid.NewGuid();
        var clicks = Enumerable.Range(0, 3).Select(i => Events.Click(partnerId, Morning.AddMinutes(i))).ToList();
        var orders = clicks.SelectMany((click, i) => Enumerable.Range(0, 1 + (i * 3)).Select(j => Events.OrderFrom(click, Morning.AddHours(j + 1))));

        await Task.WhenAll(clicks.Select(factory.PublishAsync).Concat(orders.Select(factory.PublishAsync)));

        await factory.WaitForAsync(partnerId, Day, kpi => kpi is { Clicks: 3, OrdersFromClicks: 12 });
        var day = Assert.Single((await DailyAsync(partnerId)).Days);
        Assert.Equal((3L, 12L, 3L, 12L, 1.0m, 4m), Figures(day));
    }

    private Task<PartnerDailyKpisResponse> DailyAsync(Guid partnerId, DateOnly? to = null) =>
        factory.CreatePartnerClient(partnerId).GetAsync(DailyUrl(partnerId, to), Ct).ShouldBeOkAsync<PartnerDailyKpisResponse>();

    private static string DailyUrl(Guid partnerId, DateOnly? to = null) =>
        $"/api/analytics/partners/{partnerId}/daily?from={Day:yyyy-MM-dd}&to={to ?? Day:yyyy-MM-dd}";

    private static (long Clicks, long Orders, long ConvertedClicks, long OrdersFromClicks, decimal? ConversionRate, decimal? OrdersPerClick) Figures(
        KpiDayResponse day) =>
        (day.Clicks, day.Orders, day.ConvertedClicks, day.OrdersFromClicks, day.ConversionRate, day.OrdersPerClick);

    private static (long Clicks, long Orders, long ConvertedClicks, long OrdersFromClicks, decimal? ConversionRate, decimal? OrdersPerClick) Figures(
        KpiTotalsResponse totals) =>
        (totals.Clicks, totals.Orders, totals.ConvertedClicks, totals.OrdersFromClicks, totals.ConversionRate, totals.OrdersPerClick);
}
