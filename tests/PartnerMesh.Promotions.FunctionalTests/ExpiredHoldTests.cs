using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>The service with its sweeper all but asleep: an expired hold stays held until something gives it back.</summary>
public sealed class SleepingSweeperFactory : PromotionsApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Promotions:ReservationSweepInterval"] = "01:00:00";
    }
}

/// <summary>An expired hold never counts, whether or not the sweeper has given it back yet.</summary>
public sealed class ExpiredHoldTests(SleepingSweeperFactory factory) : IClassFixture<SleepingSweeperFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Theory]
    [InlineData("budget")]
    [InlineData("perCustomer")]
    public async Task Order_JustAfterItsQuoteExpired_NotSweptYet_IsRequoted(string cap)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        if (cap == "budget")
        {
            definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        }
        else
        {
            definition["perCustomerLimit"] = 1;
        }

        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("touchpoint", "checkout")
            .With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(checkout.Applied(id));
        await ExpireReservationAsync(checkout);

        var response = await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = ExpiredQuote(checkout),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct);

        var order = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("requoted", order["outcome"]!.GetValue<string>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.Where(counter => counter.Key.Contains(id.ToString("N"))).ToListAsync(Ct));
        Assert.All(counter, entry => Assert.True(entry.Uses <= 1, $"{entry.Key}: {entry.Uses} uses"));
    }

    [Fact]
    public async Task Checkout_RetriedWithTheSameKeyAfterItsQuoteExpired_IsNotRefusedByItsOwnExpiredHold()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("touchpoint", "checkout");
        var key = $"key-{Guid.NewGuid():N}";
        var first = await EvaluateWithKeyAsync(cart, key);
        Assert.NotNull(first.Applied(id));
        await ExpireReservationAsync(first);
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = {key}", Ct));

        var retried = await EvaluateWithKeyAsync(cart, key);

        Assert.NotNull(retried.Applied(id));
        Assert.NotEqual(first["quote"]!["id"]!.GetValue<Guid>(), retried["quote"]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Checkout_WithRoomUnderItsCaps_LeavesOtherExpiredHoldsToTheSweeper()
    {
        var (expiring, other) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        foreach (var product in new[] { expiring, other })
        {
            var definition = PromotionsTestClient.PercentOffProduct(product, 10);
            definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 5 });
            await _admin.PublishAsync(definition);
        }

        var held = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", expiring, 1, 100m, null)).With("touchpoint", "checkout"));
        await ExpireReservationAsync(held);

        await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", other, 1, 100m, null)).With("touchpoint", "checkout"));

        var reservationId = held["quote"]!["reservationId"]!.GetValue<Guid>();
        var status = await factory.QueryDbAsync(db => db.BudgetReservations.Where(reservation => reservation.Id == reservationId)
            .Select(reservation => reservation.Status).SingleAsync(Ct));
        Assert.Equal(PartnerMesh.Promotions.Api.Budgets.ReservationStatus.Held, status);
    }

    private async Task<JsonObject> EvaluateWithKeyAsync(JsonObject cart, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/evaluations") { Content = JsonContent.Create(cart) };
        request.Headers.Add("Idempotency-Key", key);
        return await (await _storefront.SendAsync(request, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    /// <summary>The hold as it is a moment after its quote's lifetime, before the sweeper came by.</summary>
    private Task<int> ExpireReservationAsync(JsonObject checkout)
    {
        var reservationId = checkout["quote"]!["reservationId"]!.GetValue<Guid>();
        return factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE budget_reservations SET expires_at = now() - interval '300 milliseconds' WHERE id = {reservationId}", Ct));
    }

    /// <summary>The quote as the service signed it, with an expiry a moment ago.</summary>
    private JsonNode ExpiredQuote(JsonObject checkout)
    {
        var signer = (QuoteSigner)factory.Services.GetService(typeof(QuoteSigner))!;
        var quote = checkout["quote"].Deserialize<Quote>(PromotionJson.Options)!;
        var expired = signer.Sign(quote with { IssuedAt = quote.IssuedAt.AddMinutes(-15), ExpiresAt = DateTimeOffset.UtcNow.AddMilliseconds(-300) });
        return JsonSerializer.SerializeToNode(expired, PromotionJson.Options)!;
    }
}
