using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A customer's first order is the earliest by order time (ties by order id), not the first to arrive: a 09:00 order
/// told after the same customer's 10:00 order is the first order, and the 10:00 one moves to the repeat orders — with its
/// segments (first-time buyers → frequent buyers, from 2 orders in <see cref="SegmentApiFactory"/>) and the session it
/// converted — so every arrival order gives the rows of the orders told in time, and a replay gives them again. Each
/// customer has its own day and campaign (segment rows are shared by every customer).
/// </summary>
public class FirstOrderTimeTests(SegmentApiFactory factory) : IClassFixture<SegmentApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Midnight(int daysAgo) => new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-daysAgo);

    private enum Arrival
    {
        InOrderTime,
        LaterFirstSeparately,
        LaterFirstInOneBatch,
    }

    [Fact]
    public async Task AnEarlierOrderToldLater_IsTheFirstOrder_AsWhenToldInOrderTime_AndAfterAReplay()
    {
        var cases = new[] { (Arrival.InOrderTime, 2), (Arrival.LaterFirstSeparately, 3), (Arrival.LaterFirstInOneBatch, 4) };
        var keys = new List<(string Campaign, DateTimeOffset Day)>();
        foreach (var (arrival, daysAgo) in cases)
        {
            keys.Add(await TellAsync(arrival, Midnight(daysAgo)));
        }

        var expected = await SnapshotAsync(keys[0]);
        // The 09:00Z order (10:00 in Berlin) is the first order, the 10:00 one a repeat order (of a frequent buyer, with its session).
        Assert.Equal([("10", 1L, 1L, 0L), ("11", 1L, 0L, 1L)], expected.Campaign.Select(r => (r.Hour, r.Kpis.CustomerOrders, r.Kpis.FirstOrders, r.Kpis.RepeatOrders)));
        Assert.Equal(0.5m, expected.Total.RepeatPurchaseRate);
        Assert.Equal(
            [("10", 1L, 1L, 1L, 1L)],
            expected.Segments[SegmentNames.FirstTimeBuyers].Select(r => (r.Hour, r.Kpis.Sessions, r.Kpis.ConvertedSessions, r.Kpis.Orders, r.Kpis.FirstOrders)));
        Assert.Equal(
            [("11", 1L, 1L, 1L, 1L)],
            expected.Segments[SegmentNames.FrequentBuyers].Select(r => (r.Hour, r.Kpis.Sessions, r.Kpis.ConvertedSessions, r.Kpis.Orders, r.Kpis.RepeatOrders)));

        foreach (var key in keys.Skip(1))
        {
            Assert.Equivalent(expected, await SnapshotAsync(key), strict: true);
        }

        await factory.ReplayAsync(Ct);
        foreach (var key in keys)
        {
            Assert.Equivalent(expected, await SnapshotAsync(key), strict: true);
        }
    }

    /// <summary>A customer's two orders (each in its own session) at 09:05Z and 10:05Z of <paramref name="day"/>, told as <paramref name="arrival"/> says.</summary>
    private async Task<(string Campaign, DateTimeOffset Day)> TellAsync(Arrival arrival, DateTimeOffset day)
    {
        var customer = $"fot-{Guid.NewGuid():N}";
        var campaign = $"fot-{arrival}-{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        List<Dictionary<string, object?>> Visit(int hour, string order) =>
        [
            Behaviour.Event(EventTypes.PageView, day.AddHours(hour), campaign: campaign, session: $"s-{order}-{customer}", customer: customer, visitor: customer),
            Behaviour.Event(EventTypes.OrderCompleted, day.AddHours(hour).AddMinutes(5), campaign: campaign, session: $"s-{order}-{customer}", order: $"{order}-{customer}", amount: 10m, customer: customer, visitor: customer),
        ];

        var (nine, ten) = (Visit(9, "a"), Visit(10, "b"));
        switch (arrival)
        {
            case Arrival.InOrderTime:
                await factory.IngestAsync([.. nine, .. ten], Ct);
                break;
            case Arrival.LaterFirstSeparately:
                await factory.IngestAsync(ten, Ct);
                await WaitForOrdersAsync(campaign, day, 1);
                await factory.IngestAsync(nine, Ct);
                break;
            case Arrival.LaterFirstInOneBatch:
                await factory.IngestAsync([.. ten, .. nine], Ct);
                break;
        }

        await WaitForOrdersAsync(campaign, day, 2);
        return (campaign, day);
    }

    private Task<KpiReport> WaitForOrdersAsync(string campaign, DateTimeOffset day, long orders) =>
        factory.WaitForReportAsync(Url("campaign", campaign, day), r => r.Totals.Count == 1 && r.Total().CustomerOrders == orders, Ct);

    private static string Url(string dimension, string value, DateTimeOffset day) =>
        Behaviour.KpiUrl(dimension, value, DateOnly.FromDateTime(day.UtcDateTime), DateOnly.FromDateTime(day.UtcDateTime), "hour");

    private async Task<Snapshot> SnapshotAsync((string Campaign, DateTimeOffset Day) key)
    {
        var campaign = await factory.ReportAsync(Url("campaign", key.Campaign, key.Day), Ct);
        var segments = new Dictionary<string, IReadOnlyList<HourRow>>();
        foreach (var segment in SegmentNames.All)
        {
            // Page views count under the segments their customer is in when they are applied (docs/analytics.md, Segments),
            // so under first-time buyers once the 10:00Z order was told: not an order's or session's figure.
            segments[segment] = [.. Hours(await factory.ReportAsync(Url("segment", segment, key.Day), Ct)).Select(r => r with { Kpis = r.Kpis with { PageViews = 0 } })];
        }

        return new Snapshot(Hours(campaign), campaign.Total(), segments);
    }

    /// <summary>The rows by hour of the day in the reporting time zone (Berlin: 09:00Z is 10), without empty rows; the days differ between customers.</summary>
    private static IReadOnlyList<HourRow> Hours(KpiReport report) =>
        [.. report.Rows.Where(r => r.Kpis.Orders > 0 || r.Kpis.Sessions > 0).Select(r => new HourRow(r.Period[11..13], r.Kpis))];

    private sealed record HourRow(string Hour, KpiFigures Kpis);

    private sealed record Snapshot(IReadOnlyList<HourRow> Campaign, KpiFigures Total, Dictionary<string, IReadOnlyList<HourRow>> Segments);
}
