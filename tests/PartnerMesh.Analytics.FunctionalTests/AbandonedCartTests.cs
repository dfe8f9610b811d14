using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Segments;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Outbox;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// What an abandoned cart carries and whom it counts to, on a fake clock (30-minute idle time): a cart's total never sums
/// two currencies, and a guest's cart whose customer is told later counts to that customer, once.
/// </summary>
public class AbandonedCartTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MixedCurrencyCart_IsAbandonedWithoutATotal_NeverASumAcrossCurrencies()
    {
        var campaign = $"mixed-{Guid.NewGuid():N}";
        var (mixed, single, refilled) = ($"mixed-{campaign}", $"single-{campaign}", $"refilled-{campaign}");
        var at = factory.Clock.GetUtcNow().AddMinutes(-1);
        Dictionary<string, object?> Line(string type, string cart, decimal amount, string currency, int second)
        {
            var e = Behaviour.Event(type, at.AddSeconds(second), campaign, cart: cart, amount: amount, customer: $"c-{cart}");
            e["currency"] = currency;
            return e;
        }

        var report = await factory.IngestAsync(
            [
                Line(EventTypes.AddToCart, mixed, 10m, "EUR", 1), Line(EventTypes.AddToCart, mixed, 5000m, "JPY", 2),
                Line(EventTypes.AddToCart, single, 10m, "EUR", 3), Line(EventTypes.AddToCart, single, 45m, "EUR", 4),
                Line(EventTypes.AddToCart, refilled, 10m, "EUR", 5), Line(EventTypes.RemoveFromCart, refilled, 10m, "EUR", 6),
                Line(EventTypes.AddToCart, refilled, 5000m, "JPY", 7),
            ],
            Ct);
        Assert.Equal(7, report.Accepted);
        var url = CampaignUrl(campaign);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Carts == 3, Ct);

        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await factory.WaitForReportAsync(url, r => r.Total().AbandonedCarts == 3, Ct);

        // 10 EUR + 5000 JPY is no 5010 EUR cart: no currency and no total, so no minimum cart value can be met by it.
        var published = await AbandonmentsPublishedAsync(campaign);
        Assert.Equal((0m, "XXX"), (published[mixed].CartTotal, published[mixed].Currency));
        Assert.Equal((55m, "EUR"), (published[single].CartTotal, published[single].Currency));
        // Emptied, then filled in another currency: a cart of that currency.
        Assert.Equal((5000m, "JPY"), (published[refilled].CartTotal, published[refilled].Currency));
    }

    [Fact]
    public async Task GuestCarts_CountToTheCustomerToldLater_OncePerCart_UpToHighCartAbandoners()
    {
        var campaign = $"guest-{Guid.NewGuid():N}";
        var (abandoner, buyer) = ($"abandoner-{campaign}", $"buyer-{campaign}");
        var at = factory.Clock.GetUtcNow().AddMinutes(-1);
        var second = 0;
        Dictionary<string, object?> Cart(string type, string cart, string? customer, decimal? amount = null, string? order = null) =>
            Behaviour.Event(type, at.AddSeconds(++second), campaign, cart: cart, amount: amount, customer: customer, order: order, visitor: $"v-{cart}");

        var events = new List<object>();
        for (var i = 0; i < 3; i++)
        {
            // Started by a guest; the customer id arrives at checkout.
            events.Add(Cart(EventTypes.AddToCart, $"a{i}-{campaign}", null, 10m));
            events.Add(Cart(EventTypes.CheckoutStarted, $"a{i}-{campaign}", abandoner));

            // The same, the customer told twice more (a second checkout, a later add): still one cart of the customer's.
            events.Add(Cart(EventTypes.AddToCart, $"g{i}-{campaign}", null, 10m));
            events.Add(Cart(EventTypes.CheckoutStarted, $"g{i}-{campaign}", buyer));
            events.Add(Cart(EventTypes.CheckoutStarted, $"g{i}-{campaign}", buyer));
            events.Add(Cart(EventTypes.AddToCart, $"g{i}-{campaign}", buyer, 5m));

            // Carts the second customer ordered.
            events.Add(Cart(EventTypes.AddToCart, $"o{i}-{campaign}", buyer, 20m));
            events.Add(Cart(EventTypes.OrderCompleted, $"o{i}-{campaign}", buyer, 20m, order: $"order-{i}-{campaign}"));
        }

        Assert.Equal(events.Count, (await factory.IngestAsync(events, Ct)).Accepted);
        var url = CampaignUrl(campaign);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Carts == 9, Ct);

        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await factory.WaitForReportAsync(url, r => r.Total().AbandonedCarts == 6, Ct);

        // 3 of 3 carts abandoned: at the threshold (3 carts, 50 %), a high cart abandoner.
        var first = await CustomerAsync(abandoner);
        Assert.Equal((3, 3), (first.Carts, first.AbandonedCarts));
        Assert.Contains(SegmentNames.HighCartAbandoners, first.Segments);
        // 3 of 6 carts abandoned (exactly 50 %): each guest cart counted once, however often its customer was told.
        var other = await CustomerAsync(buyer);
        Assert.Equal((6, 3), (other.Carts, other.AbandonedCarts));
        Assert.Contains(SegmentNames.HighCartAbandoners, other.Segments);
    }

    private string CampaignUrl(string campaign)
    {
        var day = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        return Behaviour.KpiUrl("campaign", campaign, day.AddDays(-1), day.AddDays(1));
    }

    private Task<Api.Aggregation.CustomerFact> CustomerAsync(string customerId) =>
        factory.QueryDbAsync(db => db.Customers.AsNoTracking().SingleAsync(customer => customer.CustomerId == customerId, Ct));

    private Task<Dictionary<string, CartAbandoned>> AbandonmentsPublishedAsync(string campaign) =>
        factory.QueryDbAsync(async db => (await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:cart-abandoned:v1").ToListAsync(Ct))
            .Select(m => JsonSerializer.Deserialize<CartAbandoned>(m.Payload, EventLog.Json)!)
            .Where(m => m.CartId.EndsWith(campaign, StringComparison.Ordinal))
            .ToDictionary(m => m.CartId));
}
