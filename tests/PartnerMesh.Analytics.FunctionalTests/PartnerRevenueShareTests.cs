using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A partner knows its own revenue, so its revenue share would tell everyone else's: partners get a share only of ended
/// days with at least k (5) orders in that currency that are not their own, never of an hour, and a total's share is over
/// those days only — so no hour, day or difference of ranges gives away one shopper's order. Admins keep exact shares.
/// Days of 2025 (ended), cut in Berlin time; each test has its own currency (the merchant-wide rows are shared).
/// </summary>
public class PartnerRevenueShareTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerShare_OfAnHourOrDayWithOneOtherOrder_IsHidden_SoTheOtherOrderCannotBeWorkedOut()
    {
        var partner = Guid.NewGuid();
        await factory.IngestAsync(
            [
                Order(At(2025, 3, 4, 11, 5), 100m, "ISK", partner),
                Order(At(2025, 3, 4, 11, 40), 12m, "ISK"),
            ],
            Ct);
        var hourly = Behaviour.KpiUrl("partner", partner.ToString(), new DateOnly(2025, 3, 4), new DateOnly(2025, 3, 4), "hour");
        var daily = Behaviour.KpiUrl("partner", partner.ToString(), new DateOnly(2025, 3, 4), new DateOnly(2025, 3, 4));
        var admin = await factory.WaitForReportAsync(hourly, r => r.Totals.Count == 1 && r.Total().Orders == 1 && r.Rows.Count == 1, Ct);
        Assert.Equal(0.8929m, Assert.Single(admin.Rows[0].Kpis.Sales).RevenueShare);

        using var portal = factory.CreatePartnerClient(partner);
        foreach (var url in new[] { hourly, daily })
        {
            var report = await portal.GetAsync(url, Ct).ShouldBeOkAsync<KpiReport>();
            var row = Assert.Single(Assert.Single(report.Rows).Kpis.Sales);
            var total = Assert.Single(report.Total().Sales);
            Assert.Equal((100m, null, true), (row.Revenue, row.RevenueShare, row.RevenueShareSuppressed));
            Assert.Equal((100m, null, true), (total.Revenue, total.RevenueShare, total.RevenueShareSuppressed));
        }
    }

    [Fact]
    public async Task PartnerShare_IsShownForADayOfKOtherOrders_NeverByHour_AndARangeTotalLeavesOutTheDayOfOne()
    {
        var partner = Guid.NewGuid();
        // 5 March: the partner's 100 and five other orders of 20 (share 0.5); 6 March: the partner's 100 and one other of 20.
        await factory.IngestAsync(
            [
                Order(At(2025, 3, 5, 9, 0), 100m, "HUF", partner),
                .. Enumerable.Range(0, 5).Select(i => Order(At(2025, 3, 5, 10 + i, 0), 20m, "HUF")),
                Order(At(2025, 3, 6, 9, 0), 100m, "HUF", partner),
                Order(At(2025, 3, 6, 10, 0), 20m, "HUF"),
            ],
            Ct);
        var (fifth, sixth) = (new DateOnly(2025, 3, 5), new DateOnly(2025, 3, 6));
        var bothDays = Behaviour.KpiUrl("partner", partner.ToString(), fifth, sixth);
        await factory.WaitForReportAsync(bothDays, r => r.Totals.Count == 1 && r.Total().Orders == 2, Ct);
        await Eventually.UntilAsync(async () => (await factory.ReportAsync(Behaviour.KpiUrl("all", null, fifth, sixth), Ct)).Total().Sales.Any(s => s is { Currency: "HUF", Orders: 8 }));

        using var portal = factory.CreatePartnerClient(partner);
        var days = await portal.GetAsync(bothDays, Ct).ShouldBeOkAsync<KpiReport>();
        Assert.Equal(
            [("2025-03-05", 0.5m, false), ("2025-03-06", null, true)],
            days.Rows.Select(row => (row.Period, Assert.Single(row.Kpis.Sales).RevenueShare, Assert.Single(row.Kpis.Sales).RevenueShareSuppressed)));

        // The total over both days is the shown day's share (100 of 200), flagged as leaving a day out: the range minus the
        // fifth tells nothing the fifth's row did not.
        var total = Assert.Single(days.Total().Sales);
        Assert.Equal((200m, 0.5m, true), (total.Revenue, total.RevenueShare, total.RevenueShareSuppressed));
        var fifthOnly = Assert.Single((await portal.GetAsync(Behaviour.KpiUrl("partner", partner.ToString(), fifth, fifth), Ct).ShouldBeOkAsync<KpiReport>()).Total().Sales);
        Assert.Equal((0.5m, false), (fifthOnly.RevenueShare, fifthOnly.RevenueShareSuppressed));

        // By hour nothing: an hour's few orders are exactly what a share must not reveal.
        var hours = await portal.GetAsync(Behaviour.KpiUrl("partner", partner.ToString(), fifth, fifth, "hour"), Ct).ShouldBeOkAsync<KpiReport>();
        Assert.All(hours.Rows, row => Assert.Equal((null, true), (Assert.Single(row.Kpis.Sales).RevenueShare, Assert.Single(row.Kpis.Sales).RevenueShareSuppressed)));
        Assert.Equal((0.5m, false), (Assert.Single(hours.Total().Sales).RevenueShare, Assert.Single(hours.Total().Sales).RevenueShareSuppressed));

        // Admins: exact, by hour and over both days (200 of 320).
        Assert.Equal(0.625m, Assert.Single((await factory.ReportAsync(bothDays, Ct)).Total().Sales).RevenueShare);
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static Dictionary<string, object?> Order(DateTimeOffset at, decimal amount, string currency, Guid? partner = null)
    {
        var order = Behaviour.Event(EventTypes.OrderCompleted, at, session: $"s-{Guid.NewGuid():N}", order: $"o-{Guid.NewGuid():N}", amount: amount, partner: partner);
        order["currency"] = currency;
        return order;
    }
}
