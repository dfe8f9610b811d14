using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A partner's revenue share passing the threshold is flagged, and <c>PartnerConcentrationRiskDetected</c> published,
/// within seconds of the orders being counted — not at the next periodic check (an hour in this factory) — and the flag
/// clears as quickly when a refund takes the share back down.
/// </summary>
public class ConcentrationAlertTests(HourlyConcentrationCheckApiFactory factory) : IClassFixture<HourlyConcentrationCheckApiFactory>
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PartnerShareAboveTheThreshold_IsFlaggedAndPublishedWithinSeconds_AndClearedByARefund()
    {
        // The first share may meet the check the worker runs when it starts; the second can only meet one a revenue change asked for.
        await OrdersAsync(Guid.NewGuid(), "NOK");
        var partner = Guid.NewGuid();
        var order = await OrdersAsync(partner, "SEK");

        var published = await Eventually.GetAsync(
            async () => (await factory.QueryDbAsync(db => db.Set<OutboxMessage>().AsNoTracking()
                    .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:partner-concentration-risk-detected:v1").ToListAsync(Ct)))
                .Select(m => JsonSerializer.Deserialize<PartnerConcentrationRiskDetected>(m.Payload, EventLog.Json)!)
                .SingleOrDefault(m => m.PartnerId == partner),
            WithinSeconds,
            "the alert should be published within seconds");
        Assert.Equal(("SEK", 900m, 1000m, 0.9m), (published.Currency, published.PartnerRevenue, published.TotalRevenue, published.RevenueShare));

        await factory.PublishAsync(new RefundRecorded
        {
            EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RefundId = "r-" + order, OrderId = order, Kind = "refund", Amount = 900m,
            Currency = "SEK", IsFullRefund = true, RefundedAt = DateTimeOffset.UtcNow, PartnerId = partner, CommissionReversed = 0m,
        });

        await Eventually.UntilAsync(async () => (await ScorecardAsync(partner))!.ConcentrationFlags.Count == 0, WithinSeconds, "the refund should clear the flag");
    }

    [Fact]
    public async Task PartnersOwnScorecard_StatesItsFlag_WithoutTheMerchantsTotalOrItsShare_WhileAdminsSeeThem()
    {
        var partner = Guid.NewGuid();
        await OrdersAsync(partner, "DKK");
        var url = $"/api/analytics/partners/{partner}/scorecard";

        using var portal = factory.CreatePartnerClient(partner);
        var own = await portal.GetAsync(url, Ct).ShouldBeOkAsync<Scorecard>();
        var admin = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(url, Ct).ShouldBeOkAsync<Scorecard>();

        // 1000 total with the partner's 900 would tell the partner the other shopper's order: 100.
        var flag = Assert.Single(own.ConcentrationFlags);
        Assert.Equal(("DKK", 900m, null, null, true, true), (flag.Currency, flag.PartnerRevenue, flag.TotalRevenue, flag.RevenueShare, flag.Flagged, flag.FiguresSuppressed));
        var adminFlag = Assert.Single(admin.ConcentrationFlags);
        Assert.Equal((1000m, 0.9m, false), (adminFlag.TotalRevenue, adminFlag.RevenueShare, adminFlag.FiguresSuppressed));

        // Today's share of one other order: hidden from the partner, exact for admins.
        var sale = Assert.Single(own.Kpis.Sales);
        Assert.Equal((900m, null, true), (sale.Revenue, sale.RevenueShare, sale.RevenueShareSuppressed));
        Assert.Equal((0.9m, false), (Assert.Single(admin.Kpis.Sales).RevenueShare, Assert.Single(admin.Kpis.Sales).RevenueShareSuppressed));
    }

    [Fact]
    public async Task ShareJustAboveTheThreshold_IsFlagged_ThoughItRoundsToTheThreshold()
    {
        // 10001 of 20001 is 0.500025: above 0.5, shown as 0.5.
        var partner = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var big = Behaviour.Event(EventTypes.OrderCompleted, at, order: $"big-{partner}", amount: 10001m, partner: partner);
        var small = Behaviour.Event(EventTypes.OrderCompleted, at, order: $"small-{partner}", amount: 10000m);
        (big["currency"], small["currency"]) = ("CZK", "CZK");
        await factory.IngestAsync([big, small], Ct);

        var flag = await Eventually.GetAsync(
            async () => (await ScorecardAsync(partner))?.ConcentrationFlags.SingleOrDefault(),
            WithinSeconds,
            $"{partner} should be flagged in CZK within seconds");
        Assert.Equal(("CZK", 10001m, 20001m, 0.5m, true), (flag.Currency, flag.PartnerRevenue, flag.TotalRevenue, flag.RevenueShare, flag.Flagged));
        var published = await factory.QueryDbAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:partner-concentration-risk-detected:v1").ToListAsync(Ct));
        Assert.Single(published, m => JsonSerializer.Deserialize<PartnerConcentrationRiskDetected>(m.Payload, EventLog.Json)!.PartnerId == partner);
    }

    /// <summary>A 900 order through the partner and a 100 one without, today, in a currency of their own; waits for the partner's flag.</summary>
    private async Task<string> OrdersAsync(Guid partner, string currency)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var order = $"big-{partner}";
        var big = Behaviour.Event(EventTypes.OrderCompleted, at, order: order, amount: 900m, partner: partner);
        var small = Behaviour.Event(EventTypes.OrderCompleted, at, order: $"small-{partner}", amount: 100m);
        (big["currency"], small["currency"]) = (currency, currency);
        await factory.IngestAsync([big, small], Ct);

        var flag = await Eventually.GetAsync(
            async () => (await ScorecardAsync(partner))?.ConcentrationFlags.SingleOrDefault(),
            WithinSeconds,
            $"{partner} should be flagged in {currency} within seconds");
        Assert.Equal((currency, 0.9m, true), (flag.Currency, flag.RevenueShare, flag.Flagged));
        return order;
    }

    /// <summary>The partner's scorecard; <c>null</c> (404) until analytics counted the partner's first order.</summary>
    private async Task<Scorecard?> ScorecardAsync(Guid partner)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/analytics/partners/{partner}/scorecard", Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
    }
}
