using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The largest amounts a producer may legally send are counted, however many of them fall into one period and one
/// partner: promotions verifies orders up to the largest cart's total, and the sums of a few such orders pass what a
/// single order needs (they were set aside as a numeric overflow, lost from every KPI).
/// </summary>
public class LargestAmountTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    /// <summary>Promotions' <c>EvaluateRequestRules.MaxCartTotal</c>: 500 lines of 10,000 units at 1,000,000,000, plus shipping.</summary>
    private const decimal LargestCartTotal = 5_000_001_000_000_000m;

    private static readonly DateTimeOffset Noon = new(2025, 3, 10, 11, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    [Fact]
    public async Task LargestVerifiedOrders_InOneDayAndPartner_AreAllCountedWithExactSums()
    {
        var partner = Guid.NewGuid();
        var orders = Enumerable.Range(0, 4).Select(i => $"largest-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var (orderId, i) in orders.Take(3).Select((orderId, i) => (orderId, i)))
        {
            await factory.PublishAsync(new OrderPromotionsVerified
            {
                EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(i), OrderId = orderId, QuoteId = Guid.NewGuid(), Outcome = "honoured",
                Currency = "EUR", DiscountTotal = LargestCartTotal, GrandTotal = LargestCartTotal, PartnerId = partner,
                Promotions = [new RedeemedPromotion { PromotionId = Guid.NewGuid(), Version = 1, Amount = LargestCartTotal }],
            });
        }

        await factory.PublishAsync(new QuoteMismatchDetected
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(3), OrderId = orders[3], QuoteId = Guid.NewGuid(), Reason = "charged_differs",
            Currency = "EUR", QuotedGrandTotal = LargestCartTotal, ChargedGrandTotal = LargestCartTotal, ExpectedGrandTotal = LargestCartTotal,
            PartnerId = partner,
        });

        // Every event is aggregated (the log has none pending), none set aside: the four orders are all counted.
        await Eventually.UntilAsync(() => factory.QueryDbAsync(async db =>
            await db.RawEvents.CountAsync(raw => raw.AggregatedAt == null) == 0 && await db.RawEvents.CountAsync() == orders.Count));
        var sum = LargestCartTotal * orders.Count;
        foreach (var (dimension, value, granularity) in new[] { ("all", null, "day"), ("partner", partner.ToString(), "day"), ("partner", partner.ToString(), "hour") })
        {
            var kpis = (await factory.ReportAsync(Behaviour.KpiUrl(dimension, value, Day, Day, granularity), Ct)).Total();
            var eur = Assert.Single(kpis.Sales);
            Assert.Equal(
                ((long)orders.Count, 3L, 1L, "EUR", (long)orders.Count, sum, sum, sum),
                (kpis.Orders, kpis.PromotionOrders, kpis.PromotionMismatches, eur.Currency, eur.Orders, eur.Revenue, eur.GrossRevenue, eur.PartnerRevenue));
        }
    }
}
