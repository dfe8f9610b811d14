using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// Behaviour events through the gateway become KPIs (read back through the gateway), and a cart analytics decides is
/// abandoned crosses RabbitMQ as <c>CartAbandoned</c> to coupons, which issues the customer a personal offer.
/// </summary>
public sealed class AnalyticsFlowTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BehaviourEvents_BecomeKpis_AndAnAbandonedCartReachesCoupons()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var run = Guid.NewGuid().ToString("N");
        var campaign = $"e2e-{run}";
        var customer = $"cust-{run}";
        await EnableAbandonedCartOffersAsync(admin, run);

        var now = DateTimeOffset.UtcNow;
        // The first session's events are dated two hours ago, but the cart is idle only from when analytics received
        // them: it is abandoned once the system's idle time (three seconds here, SystemFixture) has really passed.
        var events = new JsonArray(
            Event("page_view", now.AddHours(-2), campaign, session: $"s-{run}"),
            Event("add_to_cart", now.AddHours(-2), campaign, session: $"s-{run}", cart: $"cart-{run}", amount: 30m, customer: customer),
            Event("page_view", now, campaign, session: $"s2-{run}"),
            Event("order_completed", now, campaign, session: $"s2-{run}", order: $"o-{run}", amount: 45.5m));
        var ingested = await storefront.PostAsJsonAsync("/api/analytics/events", new JsonObject { ["events"] = events }, Ct);
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        var resent = await storefront.PostAsJsonAsync("/api/analytics/events", new JsonObject { ["events"] = events.DeepClone() }, Ct);
        Assert.Equal(4, (await resent.Content.ReadFromJsonAsync<JsonObject>(Ct))!["duplicates"]!.GetValue<int>());

        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var url = $"/api/analytics/kpis?dimension=campaign&value={campaign}&from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}";
        JsonObject? totals = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var report = await admin.GetFromJsonAsync<JsonObject>(url, Ct);
            totals = report!["totals"]!.AsArray().FirstOrDefault()?["kpis"]?.AsObject();
            if (totals?["orders"]?.GetValue<long>() == 1 && totals["abandonedCarts"]?.GetValue<long>() == 1)
            {
                break;
            }

            await Task.Delay(250, Ct);
        }

        Assert.NotNull(totals);
        Assert.Equal((2L, 1L, 0.5m), (totals["sessions"]!.GetValue<long>(), totals["convertedSessions"]!.GetValue<long>(), totals["conversionRate"]!.GetValue<decimal>()));
        Assert.Equal((1L, 1L, 1m), (totals["carts"]!.GetValue<long>(), totals["abandonedCarts"]!.GetValue<long>(), totals["cartAbandonmentRate"]!.GetValue<decimal>()));
        Assert.Equal(45.5m, totals["sales"]![0]!["revenue"]!.GetValue<decimal>());

        // CartAbandoned crossed the broker: coupons issued the customer a personal code.
        JsonArray? offers = null;
        deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var response = await storefront.GetFromJsonAsync<JsonObject>($"/api/coupons/customers/{customer}/offers", Ct);
            offers = response!["offers"]?.AsArray();
            if (offers is { Count: > 0 })
            {
                break;
            }

            await Task.Delay(500, Ct);
        }

        Assert.NotNull(offers);
        Assert.NotEmpty(offers);
    }

    private static async Task EnableAbandonedCartOffersAsync(HttpClient admin, string run)
    {
        var promotion = await admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject
        {
            ["definition"] = new JsonObject
            {
                ["name"] = $"comeback {run}",
                ["requiresCode"] = true,
                ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 10 },
            },
        }, Ct);
        Assert.True(promotion.IsSuccessStatusCode, await promotion.Content.ReadAsStringAsync(Ct));
        var promotionId = (await promotion.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var campaign = await admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = $"abandoned carts {run}",
            ["promotionId"] = promotionId,
            ["abandonedCart"] = new JsonObject { ["enabled"] = true },
        }, Ct);
        Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync(Ct));
    }

    private static JsonObject Event(string type, DateTimeOffset at, string campaign, string? session = null, string? cart = null,
        string? order = null, decimal? amount = null, string? customer = null)
    {
        var e = new JsonObject
        {
            ["eventId"] = Guid.NewGuid().ToString(),
            ["type"] = type,
            ["occurredAt"] = at.ToString("O"),
            ["visitorId"] = "v-e2e",
            ["utmCampaign"] = campaign,
        };
        if (session is not null)
        {
            e["sessionId"] = session;
        }

        if (cart is not null)
        {
            e["cartId"] = cart;
        }

        if (order is not null)
        {
            e["orderId"] = order;
        }

        if (amount is not null)
        {
            e["amount"] = amount;
            e["currency"] = "EUR";
        }

        if (customer is not null)
        {
            e["customerId"] = customer;
        }

        return e;
    }
}
