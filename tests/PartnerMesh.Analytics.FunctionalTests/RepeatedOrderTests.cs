using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// An <c>order_completed</c> repeating a counted order (same money, a new event id: a thank-you page reloaded after the
/// session id rotated, a second device) is accepted and changes nothing: the order's first event converted its session,
/// a repeat from another session, campaign or partner converts none.
/// </summary>
public class RepeatedOrderTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 6, 3, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    [Fact]
    public async Task RepeatedOrder_FromAnotherSession_DoesNotConvertThatSession()
    {
        var id = Guid.NewGuid().ToString("N");
        var (campaign, order) = ($"repeat-{id}", $"o-{id}");
        var url = Behaviour.KpiUrl("campaign", campaign, Day, Day);
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s1-" + id),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(1), campaign, session: "s1-" + id, order: order, amount: 50m),
            ],
            Ct);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        var repeat = await IngestAndAggregateAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon.AddMinutes(2), campaign, session: "s2-" + id),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(3), campaign, session: "s2-" + id, order: order, amount: 50.00m),
            ],
            Ct);

        Assert.Equal(2, repeat.Accepted);
        var kpis = (await factory.WaitForReportAsync(url, r => r.Total().Sessions == 2, Ct)).Total();
        Assert.Equal((2L, 1L, 1L, 0.5m), (kpis.Sessions, kpis.ConvertedSessions, kpis.Orders, kpis.ConversionRate));
    }

    [Fact]
    public async Task RepeatedOrder_NamingAnotherCampaign_ConvertsNothingThere_TheOrderStaysWithItsFirstCampaign()
    {
        var id = Guid.NewGuid().ToString("N");
        var (first, other, order) = ($"repeat-a-{id}", $"repeat-b-{id}", $"o-{id}");
        await factory.IngestAsync(
            [Behaviour.Event(EventTypes.OrderCompleted, Noon, first, session: "s1-" + id, order: order, amount: 9m, customer: "c1-" + id, touchpoint: "checkout")],
            Ct);
        await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", first, Day, Day), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        await IngestAndAggregateAsync(
            [Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(5), other, session: "s2-" + id, order: order, amount: 9m, customer: "c2-" + id, touchpoint: "cart")],
            Ct);

        var repeated = (await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", other, Day, Day), r => r.Totals.Count == 1, Ct)).Total();
        Assert.Equal((1L, 0L, 0L, 0m), (repeated.Sessions, repeated.ConvertedSessions, repeated.Orders, repeated.ConversionRate));
        var kpis = (await factory.ReportAsync(Behaviour.KpiUrl("campaign", first, Day, Day), Ct)).Total();
        Assert.Equal((1L, 1L, 1L, 1L), (kpis.Sessions, kpis.ConvertedSessions, kpis.Orders, kpis.FirstOrders));
    }

    [Fact]
    public async Task RepeatedOrder_FromAnotherPartnersSession_GivesThatPartnerNoConversion()
    {
        var id = Guid.NewGuid().ToString("N");
        var (partnerA, partnerB, order) = (Guid.NewGuid(), Guid.NewGuid(), $"o-{id}");
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, session: "s1-" + id, partner: partnerA),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(1), session: "s1-" + id, order: order, amount: 30m, partner: partnerA),
            ],
            Ct);
        await factory.WaitForReportAsync(Behaviour.KpiUrl("partner", partnerA.ToString(), Day, Day), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        await IngestAndAggregateAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon.AddMinutes(2), session: "s2-" + id, partner: partnerB),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(3), session: "s2-" + id, order: order, amount: 30m),
            ],
            Ct);

        var b = (await factory.WaitForReportAsync(Behaviour.KpiUrl("partner", partnerB.ToString(), Day, Day), r => r.Totals.Count == 1, Ct)).Total();
        Assert.Equal((1L, 0L, 0L, 0m), (b.Sessions, b.ConvertedSessions, b.Orders, b.ConversionRate));
        var a = (await factory.ReportAsync(Behaviour.KpiUrl("partner", partnerA.ToString(), Day, Day), Ct)).Total();
        Assert.Equal((1L, 1L, 1L, 1m), (a.Sessions, a.ConvertedSessions, a.Orders, a.ConversionRate));
    }

    /// <summary>Ingests the events and waits until the aggregator applied them all.</summary>
    private async Task<BatchReport> IngestAndAggregateAsync(IReadOnlyList<Dictionary<string, object?>> events, CancellationToken ct)
    {
        var report = await factory.IngestAsync(events, ct);
        var ids = events.Select(e => (string)e["eventId"]!).ToList();
        await Eventually.UntilAsync(
            async () => await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => ids.Contains(raw.EventId) && raw.AggregatedAt != null, ct)) == ids.Count,
            because: "the repeat should be aggregated");
        return report;
    }
}
