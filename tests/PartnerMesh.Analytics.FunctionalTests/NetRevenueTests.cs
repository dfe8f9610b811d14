using System.Globalization;
using System.Net;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Refunds and cancellations net the money: revenue (and partner revenue, shares, contribution) loses what was paid
/// back, the average order value is net revenue over the orders not cancelled, commission loses what attribution
/// reversed; the gross figure stays beside it. Each test uses a currency of its own (the class has its own database), so
/// its merchant-wide rows are its own.
/// </summary>
public class NetRevenueTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    [Fact]
    public async Task FullRefund_NetsTheOrdersRevenueAndCommissionToZero_ForItsDayPartnerAndCampaign()
    {
        var (campaign, partner, currency) = (Campaign(), Guid.NewGuid(), "NOK");
        var order = "o-" + campaign;
        await factory.IngestAsync([Order(order, 100m, currency, campaign, partner)], Ct);
        await factory.PublishAsync(Attributed(order, partner, 100m, 10m, currency));
        var partnerUrl = Behaviour.KpiUrl("partner", partner.ToString(), Day, Day);
        await factory.WaitForReportAsync(partnerUrl, r => r.Totals.Count == 1 && r.Total().AttributedOrders == 1, Ct);

        await factory.PublishAsync(Refund(order, 100m, currency, partner, commissionReversed: 10m));

        var kpis = (await factory.WaitForReportAsync(partnerUrl, r => r.Total().Refunds == 1, Ct)).Total();
        Assert.Equal((1L, 1L, 0L, 1m), (kpis.Orders, kpis.RefundedOrders, kpis.CancelledOrders, kpis.RefundRate));
        var money = Assert.Single(kpis.Sales);
        Assert.Equal((currency, 1L, 0m, 100m, 0m), (money.Currency, money.Orders, money.Revenue, money.GrossRevenue, money.AverageOrderValue));
        Assert.Equal((0m, 100m, 0m), (money.Commission, money.RefundedAmount, money.PartnerRevenue));
        var byCampaign = Assert.Single((await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, Day, Day), Ct)).Total().Sales);
        Assert.Equal((0m, 100m), (byCampaign.Revenue, byCampaign.GrossRevenue));
        var merchant = MerchantSales(await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day, Day), Ct), currency);
        Assert.Equal((0m, 0m, null), (merchant.Revenue, merchant.PartnerRevenue, merchant.PartnerRevenueContribution));
    }

    [Fact]
    public async Task PartialRefund_KeepsTheOrder_WithItsRevenueReduced_InTheAverageShareAndContribution()
    {
        var (campaign, partner, currency) = (Campaign(), Guid.NewGuid(), "SEK");
        await factory.IngestAsync([Order("p-" + campaign, 100m, currency, campaign, partner), Order("m-" + campaign, 50m, currency, campaign)], Ct);
        var url = Behaviour.KpiUrl("campaign", campaign, Day, Day);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Orders == 2, Ct);

        await factory.PublishAsync(Refund("p-" + campaign, 30m, currency, partner));

        var money = Assert.Single((await factory.WaitForReportAsync(url, r => r.Total().Refunds == 1, Ct)).Total().Sales);
        Assert.Equal((2L, 120m, 150m, 60m, 30m), (money.Orders, money.Revenue, money.GrossRevenue, money.AverageOrderValue, money.RefundedAmount));
        Assert.Equal((70m, 0.5833m), (money.PartnerRevenue, money.PartnerRevenueContribution));
        var forPartner = Assert.Single((await factory.ReportAsync(Behaviour.KpiUrl("partner", partner.ToString(), Day, Day), Ct)).Total().Sales);
        Assert.Equal((1L, 70m, 70m, 0.5833m), (forPartner.Orders, forPartner.Revenue, forPartner.AverageOrderValue, forPartner.RevenueShare));
    }

    [Fact]
    public async Task Cancellation_TakesTheOrderOutOfTheMoneyAndTheAverage_ButItStaysAPlacedOrder()
    {
        var (campaign, currency) = (Campaign(), "DKK");
        await factory.IngestAsync([Order("c-" + campaign, 100m, currency, campaign), Order("k-" + campaign, 50m, currency, campaign)], Ct);
        var url = Behaviour.KpiUrl("campaign", campaign, Day, Day);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Orders == 2, Ct);

        await factory.PublishAsync(Refund("c-" + campaign, 100m, currency, partner: null, kind: "cancellation"));

        var kpis = (await factory.WaitForReportAsync(url, r => r.Total().CancelledOrders == 1, Ct)).Total();
        Assert.Equal((2L, 1L, 1L, 0.5m), (kpis.Orders, kpis.CancelledOrders, kpis.RefundedOrders, kpis.RefundRate));
        var money = Assert.Single(kpis.Sales);
        Assert.Equal((1L, 50m, 150m, 50m), (money.Orders, money.Revenue, money.GrossRevenue, money.AverageOrderValue));

        // The CSV carries the same figures.
        var csv = await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(url + "&format=csv", Ct)).Content.ReadAsStringAsync(Ct);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var line = lines[0].Split(',').Zip(lines[1].Split(',')).ToDictionary(field => field.First, field => field.Second);
        Assert.Equal((currency, 1L, 50m, 150m, 50m, 1L), (line["currency"], long.Parse(line["currency_orders"], CultureInfo.InvariantCulture), decimal.Parse(line["revenue"], CultureInfo.InvariantCulture),
            decimal.Parse(line["gross_revenue"], CultureInfo.InvariantCulture), decimal.Parse(line["average_order_value"], CultureInfo.InvariantCulture), long.Parse(line["cancelled_orders"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ConcentrationRisk_IsMeasuredOnNetRevenue()
    {
        var (partner, currency) = (Guid.NewGuid(), "PLN");
        var today = DateTimeOffset.UtcNow.AddMinutes(-5);
        var big = Behaviour.Event(EventTypes.OrderCompleted, today, order: $"big-{partner}", amount: 900m, partner: partner);
        var small = Behaviour.Event(EventTypes.OrderCompleted, today, order: $"small-{partner}", amount: 100m);
        (big["currency"], small["currency"]) = (currency, currency);
        await factory.IngestAsync([big, small], Ct);
        await ShareAsync(partner, currency, 0.9m, flagged: true);

        // 800 of the 900 paid back: 100 of 200 net is a share of 0.5, not above the threshold.
        await factory.PublishAsync(Refund($"big-{partner}", 800m, currency, partner) with { RefundedAt = today.AddMinutes(1) });

        var share = await ShareAsync(partner, currency, 0.5m, flagged: false);
        Assert.Equal((100m, 200m), (share.PartnerRevenue, share.TotalRevenue));
    }

    private async Task<ConcentrationResponse> ShareAsync(Guid partner, string currency, decimal share, bool flagged) =>
        await Eventually.GetAsync(async () =>
        {
            var report = await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync("/api/analytics/concentration", Ct))
                .ShouldBeAsync<ConcentrationReport>(HttpStatusCode.OK);
            return report.Partners.SingleOrDefault(p => p.PartnerId == partner && p.Currency == currency && p.RevenueShare == share && p.Flagged == flagged);
        }, because: $"{partner}'s {currency} share should become {share}");

    private static CurrencyFigures MerchantSales(KpiReport report, string currency) => Assert.Single(report.Total().Sales, s => s.Currency == currency);

    private static string Campaign() => $"net-{Guid.NewGuid():N}";

    private static Dictionary<string, object?> Order(string order, decimal amount, string currency, string campaign, Guid? partner = null)
    {
        var e = Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: order, amount: amount, partner: partner);
        e["currency"] = currency;
        return e;
    }

    private static ConversionAttributed Attributed(string order, Guid partner, decimal amount, decimal commission, string currency) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(1), ConversionId = Guid.NewGuid(), OrderId = order, PartnerId = partner,
        OrderAmount = amount, Currency = currency, CommissionAmount = commission, OrderedAt = Noon,
    };

    private static RefundRecorded Refund(
        string order, decimal amount, string currency, Guid? partner, decimal commissionReversed = 0m, string kind = "refund") => new()
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon.AddDays(1), RefundId = $"r-{Guid.NewGuid():N}", OrderId = order, Kind = kind,
            Amount = amount, Currency = currency, IsFullRefund = kind == "cancellation", RefundedAt = Noon.AddDays(1), PartnerId = partner,
            CommissionReversed = commissionReversed,
        };
}
