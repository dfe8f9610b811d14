using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// <c>Idempotency-Key</c> on the storefront calls that take something: a checkout evaluation (its quote and budget
/// reservation) and an order verification. A retry gets the first answer and takes nothing more; the key with another
/// request is a 409; an invalid key a 400.
/// </summary>
public sealed class IdempotencyKeyTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private const string Evaluations = "/api/promotions/evaluations";
    private const string Orders = "/api/promotions/orders";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Checkout_20ParallelRetriesWithOneKey_OneReservation_EveryoneGetsTheSameQuote()
    {
        var (id, cart) = await SingleUsePromotionAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendAsync(Evaluations, cart, key)));

        var bodies = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            bodies.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Single(bodies.Distinct());
        var answer = JsonNode.Parse(bodies[0])!.AsObject();
        Assert.NotNull(answer.Applied(id));
        var quoteId = answer["quote"]!["id"]!.GetValue<Guid>();
        Assert.NotNull(answer["quote"]!["reservationId"]);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.BudgetReservations.CountAsync(reservation => reservation.QuoteId == quoteId, Ct)));
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(1, counter.Uses);
    }

    [Fact]
    public async Task Checkout_RetryAfterTheAnswer_SameQuote_NotBudgetExhausted_WhileAnotherCheckoutIs()
    {
        var (id, cart) = await SingleUsePromotionAsync();
        var key = Guid.NewGuid().ToString();

        var first = await (await SendAsync(Evaluations, cart, key)).Content.ReadAsStringAsync(Ct);
        var retry = await (await SendAsync(Evaluations, cart, key)).Content.ReadAsStringAsync(Ct);
        var someoneElse = await _storefront.EvaluateAsync(cart);

        Assert.Equal(first, retry);
        Assert.NotNull(JsonNode.Parse(retry)!.AsObject().Applied(id));
        Assert.Equal("budget_exhausted", someoneElse.RejectionReason(id));
    }

    [Fact]
    public async Task Checkout_SameKeyAnotherCart_Returns409_AndReservesNothing()
    {
        var (id, cart) = await SingleUsePromotionAsync();
        var key = Guid.NewGuid().ToString();
        (await SendAsync(Evaluations, cart, key)).EnsureSuccessStatusCode();

        var other = await SendAsync(Evaluations, cart.With("shipping", 9.90m), key);

        Assert.Equal(IdempotencyKeys.ReusedReason, (await other.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
        Assert.Equal(1, await factory.QueryDbAsync(db => db.BudgetCounters.Where(counter => counter.Key == $"promotion:{id:N}:all").Select(counter => counter.Uses).SingleAsync(Ct)));
    }

    [Theory]
    [InlineData(Evaluations)]
    [InlineData(Orders)]
    public async Task InvalidKey_Returns400(string path)
    {
        var (_, cart) = await SingleUsePromotionAsync();
        var body = path == Evaluations ? cart : Order(cart, await _storefront.EvaluateAsync(cart));

        var problem = await (await SendAsync(path, body, new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyAwayFromCheckout_IsIgnored_NothingIsReservedThere()
    {
        var product = UniqueProduct();
        var key = Guid.NewGuid().ToString();

        var cart = await SendAsync(Evaluations, Cart(("l", product, 1, 20m, null)).With("touchpoint", "cart"), key);
        var productPage = await SendAsync(Evaluations, Cart(("l", product, 2, 20m, null)).With("touchpoint", "productPage"), key);

        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, productPage.StatusCode);
    }

    [Fact]
    public async Task Checkout_KeyOfAnExpiredQuote_EvaluatesAfresh()
    {
        var (id, cart) = await SingleUsePromotionAsync();
        var key = Guid.NewGuid().ToString();
        var first = JsonNode.Parse(await (await SendAsync(Evaluations, cart, key)).Content.ReadAsStringAsync(Ct))!;
        var reservationId = first["quote"]!["reservationId"]!.GetValue<Guid>();

        // The quote and its key expire as time would: the sweeper gives the use back, and the key is forgotten.
        await factory.QueryDbAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"UPDATE budget_reservations SET expires_at = now() - interval '1 minute' WHERE id = {reservationId}", Ct);
            return await db.Database.ExecuteSqlAsync($"UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = {key}", Ct);
        });
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db =>
                db.BudgetReservations.AnyAsync(reservation => reservation.Id == reservationId && reservation.Status == Api.Budgets.ReservationStatus.Released, Ct)),
            TimeSpan.FromSeconds(20), "the expired reservation is released");

        var again = JsonNode.Parse(await (await SendAsync(Evaluations, cart, key)).Content.ReadAsStringAsync(Ct))!.AsObject();

        Assert.NotEqual(first["quote"]!["id"]!.GetValue<Guid>(), again["quote"]!["id"]!.GetValue<Guid>());
        Assert.NotNull(again.Applied(id));
    }

    [Fact]
    public async Task Order_SameKey_RetriesGetTheVerification_AnotherOrderUnderTheKey409()
    {
        var (_, cart) = await SingleUsePromotionAsync();
        var checkout = await _storefront.EvaluateAsync(cart);
        var order = Order(cart, checkout);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SendAsync(Orders, order, key)));
        var other = order.With("orderId", $"order-{Guid.NewGuid():N}");
        var reused = await SendAsync(Orders, other, key);

        Assert.Equal(1, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(response => response.StatusCode == HttpStatusCode.OK));
        var verified = await Task.WhenAll(responses.Select(response => response.Content.ReadFromJsonAsync<JsonObject>(Ct)));
        Assert.Single(verified.Select(body => body!.ToJsonString()).Distinct());
        Assert.Equal("honoured", verified[0]!["outcome"]!.GetValue<string>());
        Assert.Equal(IdempotencyKeys.ReusedReason, (await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
        await (await _storefront.GetAsync($"{Orders}/{other["orderId"]}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(Guid Id, JsonObject Cart)> SingleUsePromotionAsync()
    {
        var product = UniqueProduct();
        var definition = PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        return (id, Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout"));
    }

    private Task<HttpResponseMessage> SendAsync(string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return _storefront.SendAsync(request, Ct);
    }

    private static JsonObject Order(JsonObject cart, JsonObject checkout) => new()
    {
        ["orderId"] = $"order-{Guid.NewGuid():N}",
        ["quote"] = checkout["quote"]!.DeepClone(),
        ["order"] = cart.DeepClone(),
        ["chargedGrandTotal"] = checkout.Total("grandTotal"),
        ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
    };
}
