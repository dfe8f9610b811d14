using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Segment KPI rows count an order under the segments it puts its customer in (a first order: first-time buyers), and the
/// session that converts moves there with it: a segment's orders never outnumber its sessions. Frequent buyers from 2 orders (<see cref="SegmentApiFactory"/>). Segment rows are shared by every customer, so each
/// test has its own day (recent days: customers whose last order is 90 days old become lapsed); earlier orders that only
/// set a customer's segment go on the day before.
/// </summary>
public class SegmentKpiTests(SegmentApiFactory factory) : IClassFixture<SegmentApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Morning(int daysAgo) => new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-daysAgo).AddHours(8);

    private static string SegmentUrl(string segment, DateTimeOffset day) =>
        Behaviour.KpiUrl("segment", segment, DateOnly.FromDateTime(day.UtcDateTime), DateOnly.FromDateTime(day.UtcDateTime));

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private Task<KpiFigures> SegmentAsync(string segment, DateTimeOffset day) => TotalAsync(SegmentUrl(segment, day));

    private async Task<KpiFigures> TotalAsync(string url) => (await factory.ReportAsync(url, Ct)).Total();

    private async Task<KpiFigures> WaitForSegmentAsync(string segment, DateTimeOffset day, Func<KpiFigures, bool> condition) =>
        (await factory.WaitForReportAsync(SegmentUrl(segment, day), r => r.Totals.Count == 1 && condition(r.Total()), Ct)).Total();

    /// <summary>A customer's earlier order, without a session, on the day before <paramref name="day"/> (counted under no segment on that day).</summary>
    private static Dictionary<string, object?> EarlierOrder(DateTimeOffset day, string customer, decimal amount = 5m) =>
        Behaviour.Event(EventTypes.OrderCompleted, day.AddDays(-1), order: Id("earlier"), amount: amount, customer: customer, visitor: customer);

    private static Dictionary<string, object?> View(DateTimeOffset at, string session, string customer) =>
        Behaviour.Event(EventTypes.PageView, at, session: session, customer: customer, visitor: customer);

    private static Dictionary<string, object?> Order(DateTimeOffset at, string? session, string order, decimal amount, string customer, string? eventId = null) =>
        Behaviour.Event(EventTypes.OrderCompleted, at, session: session, order: order, amount: amount, customer: customer, visitor: customer, eventId: eventId);

    [Fact]
    public async Task FirstOrder_CountsUnderFirstTimeBuyers_WithTheSessionItConverted()
    {
        var day = Morning(3);
        var customer = Id("ftb");
        await factory.IngestAsync(
            [
                View(day, "s1-" + customer, customer),
                Order(day.AddMinutes(5), "s1-" + customer, "o1-" + customer, 20m, customer),
                View(day.AddHours(2), "s2-" + customer, customer),
            ],
            Ct);

        var firstTime = await WaitForSegmentAsync(SegmentNames.FirstTimeBuyers, day, k => k.Sessions == 2);

        // The new customer's session counted under no segment until its order made them a first-time buyer: it moved along.
        Assert.Equal((2L, 1L, 1L, 0.5m), (firstTime.Sessions, firstTime.ConvertedSessions, firstTime.Orders, firstTime.ConversionRate));
        Assert.Equal((1L, 1L, 0L), (firstTime.CustomerOrders, firstTime.FirstOrders, firstTime.RepeatOrders));
        var eur = Assert.Single(firstTime.Sales);
        Assert.Equal((1L, 20m, 20m), (eur.Orders, eur.Revenue, eur.AverageOrderValue));
        Assert.Equal(0L, (await SegmentAsync(SegmentNames.FrequentBuyers, day)).Orders);
    }

    [Fact]
    public async Task SecondOrder_MovesItsSessionFromFirstTimeBuyersToFrequentBuyers()
    {
        var day = Morning(4);
        var customer = Id("frq");
        await factory.IngestAsync(
            [
                EarlierOrder(day, customer),
                View(day, "s1-" + customer, customer),
                Order(day.AddMinutes(5), "s1-" + customer, "o1-" + customer, 20m, customer),
                View(day.AddHours(2), "s2-" + customer, customer),
            ],
            Ct);

        var frequent = await WaitForSegmentAsync(SegmentNames.FrequentBuyers, day, k => k.Sessions == 2);
        var firstTime = await SegmentAsync(SegmentNames.FirstTimeBuyers, day);

        Assert.Equal((2L, 1L, 1L, 0.5m), (frequent.Sessions, frequent.ConvertedSessions, frequent.Orders, frequent.ConversionRate));
        Assert.Equal((1L, 0L, 1L), (frequent.CustomerOrders, frequent.FirstOrders, frequent.RepeatOrders));
        Assert.Equal(20m, Assert.Single(frequent.Sales).Revenue);
        Assert.Equal((0L, 0L), (firstTime.Sessions, firstTime.Orders));
    }

    [Fact]
    public async Task OrderWithoutASession_CountsUnderTheSegmentItPutsTheCustomerIn()
    {
        var day = Morning(6);
        var customer = Id("nos");
        await factory.IngestAsync([EarlierOrder(day, customer), Order(day, null, "o1-" + customer, 30m, customer)], Ct);

        var frequent = await WaitForSegmentAsync(SegmentNames.FrequentBuyers, day, k => k.Orders == 1);
        var firstTime = await SegmentAsync(SegmentNames.FirstTimeBuyers, day);

        Assert.Equal((0L, 1L, 1L), (frequent.Sessions, frequent.CustomerOrders, frequent.RepeatOrders));
        Assert.Equal(30m, Assert.Single(frequent.Sales).Revenue);
        Assert.Equal(0L, firstTime.Orders);
        var moved = await factory.QueryDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.CustomerId == customer, Ct));
        Assert.Equal([SegmentNames.FrequentBuyers], moved.Segments);
    }

    [Fact]
    public async Task OrderToldFirstByCoupons_MovesIntoItsCustomersSegment_WithItsSessionAndCouponRedemption()
    {
        var day = Morning(9);
        var customer = Id("cpn");
        var order = "o1-" + customer;
        await factory.IngestAsync([EarlierOrder(day, customer), View(day, "s1-" + customer, customer)], Ct);
        await WaitForSegmentAsync(SegmentNames.FirstTimeBuyers, day, k => k.Sessions == 1);

        // Coupons' CouponRedeemed knows neither customer nor session: the order is counted under no segment at first.
        await factory.PublishAsync(new CouponRedeemed
        {
            EventId = Guid.NewGuid(), OccurredAt = day.AddMinutes(5), RedemptionId = Guid.NewGuid(), OrderId = order, CodeId = Guid.NewGuid(),
            Code = "SPRING10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 25m, Currency = "EUR",
        });
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Orders.AnyAsync(o => o.OrderId == order, Ct)));
        Assert.Equal(0L, (await SegmentAsync(SegmentNames.FirstTimeBuyers, day)).Orders);

        await factory.IngestAsync([Order(day.AddMinutes(5), "s1-" + customer, order, 25m, customer)], Ct);

        var frequent = await WaitForSegmentAsync(SegmentNames.FrequentBuyers, day, k => k.CustomerOrders == 1);
        Assert.Equal((1L, 1L, 1L, 1L, 1m), (frequent.Sessions, frequent.ConvertedSessions, frequent.Orders, frequent.CouponOrders, frequent.CouponRedemptionRate));
        Assert.Equal((1L, 25m), (Assert.Single(frequent.Sales).Orders, Assert.Single(frequent.Sales).Revenue));
        var firstTime = await SegmentAsync(SegmentNames.FirstTimeBuyers, day);
        Assert.Equal((0L, 0L), (firstTime.Sessions, firstTime.Orders));
    }

    [Fact]
    public async Task ScriptedMixOfCustomers_NoSegmentCountsMoreOrdersThanConvertedSessions()
    {
        var day = Morning(12);
        var events = new List<object>();
        var orders = 0;
        // Six customers: new ones, first-time buyers and frequent buyers (earlier orders), each with one to four sessions
        // of at most one order; every order in a session, so each segment's orders are exactly its converted sessions.
        for (var i = 0; i < 6; i++)
        {
            var customer = Id($"mix{i}");
            events.AddRange(Enumerable.Range(0, i % 3).Select(_ => EarlierOrder(day, customer)));
            for (var j = 0; j <= i % 4; j++)
            {
                var session = $"s{j}-{customer}";
                var at = day.AddMinutes(10 * (4 * i + j));
                events.Add(View(at, session, customer));
                if ((i + j) % 3 != 2)
                {
                    events.Add(Order(at.AddMinutes(1), session, $"o{j}-{customer}", 10m, customer));
                    orders++;
                }
            }
        }

        await factory.IngestAsync(events, Ct);
        await factory.WaitForReportAsync(Behaviour.KpiUrl("all", null, DateOnly.FromDateTime(day.UtcDateTime), DateOnly.FromDateTime(day.UtcDateTime)),
            r => r.Totals.Count == 1 && r.Total().Orders == orders, Ct);

        foreach (var segment in SegmentNames.All)
        {
            var kpis = await SegmentAsync(segment, day);
            Assert.True(kpis.Orders == kpis.ConvertedSessions, $"{segment}: {kpis.Orders} orders, {kpis.ConvertedSessions} converted sessions");
            Assert.True(kpis.Orders <= kpis.Sessions, $"{segment}: {kpis.Orders} orders in {kpis.Sessions} sessions");
            Assert.True(kpis.ConversionRate is null or <= 1m, $"{segment}: conversion {kpis.ConversionRate}");
        }

        Assert.True((await SegmentAsync(SegmentNames.FirstTimeBuyers, day)).Orders > 0);
        Assert.True((await SegmentAsync(SegmentNames.FrequentBuyers, day)).Orders > 0);
    }

    [Fact]
    public async Task DuplicatedAndReplayedEvents_LeaveTheSegmentRowsAsTheyWere()
    {
        var day = Morning(15);
        var customer = Id("dup");
        var events = new List<Dictionary<string, object?>>
        {
            EarlierOrder(day, customer),
            View(day, "s1-" + customer, customer),
            Order(day.AddMinutes(5), "s1-" + customer, "o1-" + customer, 40m, customer),
            View(day.AddHours(1), "s2-" + customer, customer),
        };
        await factory.IngestAsync(events, Ct);
        await WaitForSegmentAsync(SegmentNames.FrequentBuyers, day, k => k.Sessions == 2);
        var before = await SnapshotAsync(day);

        // The same events again (duplicates by event id), and the order re-told under new event ids — within its session,
        // and without one now that the customer is a frequent buyer.
        await factory.IngestAsync(events, Ct);
        await factory.IngestAsync(
            [
                Order(day.AddMinutes(5), "s1-" + customer, "o1-" + customer, 40m, customer, eventId: Id("again")),
                Order(day.AddMinutes(5), null, "o1-" + customer, 40m, customer, eventId: Id("again")),
            ],
            Ct);
        await AllAggregatedAsync();
        Assert.Equivalent(before, await SnapshotAsync(day), strict: true);

        await factory.ReplayAsync(Ct);
        Assert.Equivalent(before, await SnapshotAsync(day), strict: true);
        Assert.Equal((1L, 2L), (before[SegmentNames.FrequentBuyers].Orders, before[SegmentNames.FrequentBuyers].Sessions));
    }

    [Theory]
    [InlineData("vip")]
    [InlineData("first-time-buyers")]
    [InlineData("")]
    public async Task SegmentFilter_NotASegment_Returns400NamingValue_WithTheSegments(string segment)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(SegmentUrl(segment, Morning(20)), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.Extensions["errors"]!.ToString()!;
        Assert.Contains("\"value\"", errors, StringComparison.Ordinal);
        Assert.All(SegmentNames.All, name => Assert.Contains(name, errors, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SegmentFilter_FoldsCaseAndSpace()
    {
        var day = Morning(20);
        var customer = Id("fold");
        await factory.IngestAsync([View(day, "s1-" + customer, customer), Order(day.AddMinutes(5), "s1-" + customer, "o1-" + customer, 20m, customer)], Ct);
        var exact = await WaitForSegmentAsync(SegmentNames.FirstTimeBuyers, day, k => k.Orders == 1);

        var folded = await SegmentAsync(" First_Time_BUYERS\t", day);

        Assert.Equivalent(exact, folded, strict: true);
    }

    private Task AllAggregatedAsync() =>
        Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.RawEvents.AllAsync(raw => raw.AggregatedAt != null, Ct)));

    private async Task<Dictionary<string, KpiFigures>> SnapshotAsync(DateTimeOffset day)
    {
        var snapshot = new Dictionary<string, KpiFigures>();
        foreach (var segment in SegmentNames.All)
        {
            snapshot[segment] = await SegmentAsync(segment, day);
        }

        return snapshot;
    }
}
