using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>A checkout evaluation with a <c>checkoutId</c> replaces the hold of the same checkout's earlier evaluations.</summary>
public sealed class CheckoutHoldTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Theory]
    [InlineData("budget")]
    [InlineData("perCustomer")]
    public async Task CappedFreeGift_SecondCheckoutWithTheListedGiftLine_IsAppliedAndHonoured(string cap)
    {
        var (main, gift) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var definition = new JsonObject
        {
            ["name"] = "capped gift", ["currency"] = "EUR",
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 1 },
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) }, ["minQuantity"] = 1 }),
        };
        definition[cap == "budget" ? "budgets" : "perCustomerLimit"] = cap == "budget" ? new JsonArray(new JsonObject { ["maxUses"] = 1 }) : 1;
        var id = await _admin.PublishAsync(definition);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var withoutGift = PromotionsTestClient.Cart(("a", main, 1, 100m, null)).With("touchpoint", "checkout")
            .With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" }).With("checkoutId", checkoutId);

        var first = await _storefront.EvaluateAsync(withoutGift);
        Assert.NotNull(first.Applied(id));
        Assert.Equal(gift, first["gifts"]![0]!["productId"]!.GetValue<string>());
        var withGift = withoutGift.DeepClone().AsObject();
        withGift["lines"]!.AsArray().Add(new JsonObject { ["id"] = "g", ["productId"] = gift, ["quantity"] = 1, ["unitPrice"] = 0m });
        var second = await _storefront.EvaluateAsync(withGift.With("checkoutId", $" {checkoutId} "));

        Assert.NotNull(second.Applied(id));
        Assert.Empty(second["gifts"]!.AsArray());
        Assert.Empty(second["giftsNotDue"]!.AsArray());
        Assert.Equal(1, await HeldAsync(checkoutId));
        Assert.Equal("released", await StatusAsync(first));
        Assert.Equal("honoured", (await PlaceAsync(withGift, second))["outcome"]!.GetValue<string>());
        Assert.Equal("consumed", await StatusAsync(second));
    }

    [Fact]
    public async Task Checkout_EvaluatedTwiceWithTheSameCheckoutId_HoldsOneUse()
    {
        var (id, product) = await CappedAsync(maxUses: 2);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var cart = Checkout(product).With("checkoutId", checkoutId);

        var first = await _storefront.EvaluateAsync(cart);
        var second = await _storefront.EvaluateAsync(cart.With("lines", Checkout(product, quantity: 2)["lines"]!.DeepClone()));
        var other = await _storefront.EvaluateAsync(Checkout(product).With("checkoutId", $"checkout-{Guid.NewGuid():N}"));
        var third = await _storefront.EvaluateAsync(Checkout(product));

        Assert.All([first, second, other], answer => Assert.NotNull(answer.Applied(id)));
        Assert.Equal("budget_exhausted", third.RejectionReason(id));
        Assert.Equal(1, await HeldAsync(checkoutId));
        Assert.Equal(2, await UsesAsync(id));
    }

    [Fact]
    public async Task Checkout_WithoutCheckoutId_EveryEvaluationHoldsItsOwnUse()
    {
        var (id, product) = await CappedAsync(maxUses: 1);

        var first = await _storefront.EvaluateAsync(Checkout(product));
        var second = await _storefront.EvaluateAsync(Checkout(product));

        Assert.NotNull(first.Applied(id));
        Assert.Equal("budget_exhausted", second.RejectionReason(id));
    }

    [Fact]
    public async Task Checkout_NoLongerApplyingTheCappedPromotion_GivesTheCheckoutsHoldBack()
    {
        var (id, product) = await CappedAsync(maxUses: 1);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var first = await _storefront.EvaluateAsync(Checkout(product).With("checkoutId", checkoutId));
        Assert.NotNull(first.Applied(id));

        var changed = await _storefront.EvaluateAsync(Checkout(PromotionsTestClient.UniqueProduct()).With("checkoutId", checkoutId));

        Assert.Null(changed["quote"]!["reservationId"]);
        Assert.Equal(0, await HeldAsync(checkoutId));
        Assert.Equal(0, await UsesAsync(id));
        Assert.NotNull((await _storefront.EvaluateAsync(Checkout(product))).Applied(id));
    }

    [Fact]
    public async Task Checkout_ConcurrentDistinctCheckoutIds_ExactlyTheCapGetsIt()
    {
        var (id, product) = await CappedAsync(maxUses: 5);

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 30).Select(index =>
            _storefront.EvaluateAsync(Checkout(product).With("checkoutId", $"checkout-{index}-{Guid.NewGuid():N}"))));

        Assert.Equal(5, checkouts.Count(checkout => checkout.Applied(id) is not null));
        Assert.Equal(25, checkouts.Count(checkout => checkout.RejectionReason(id) == "budget_exhausted"));
        Assert.Equal(5, await UsesAsync(id));
    }

    [Fact]
    public async Task Checkout_SameCheckoutIdEvaluatedConcurrently_HoldsOneUse()
    {
        var (id, product) = await CappedAsync(maxUses: 3);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            _storefront.EvaluateAsync(Checkout(product).With("checkoutId", checkoutId))));

        Assert.All(checkouts, checkout => Assert.NotNull(checkout.Applied(id)));
        Assert.Equal(1, await HeldAsync(checkoutId));
        Assert.Equal(1, await UsesAsync(id));
    }

    [Fact]
    public async Task Order_OnAnEarlierQuoteOfTheCheckout_TakesItsOwnUseInsteadOfTheReleasedHold()
    {
        var (id, product) = await CappedAsync(maxUses: 1);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var cart = Checkout(product).With("checkoutId", checkoutId);
        var earlier = await _storefront.EvaluateAsync(cart);
        var latest = await _storefront.EvaluateAsync(cart);
        Assert.Equal("released", await StatusAsync(earlier));

        var order = await PlaceAsync(cart, earlier);

        Assert.Equal("honoured", order["outcome"]!.GetValue<string>());
        Assert.Equal("released", await StatusAsync(earlier));
        Assert.Equal("released", await StatusAsync(latest));
        Assert.Equal(1, await UsesAsync(id));
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(Checkout(product))).RejectionReason(id));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("x", 101)]
    public async Task Evaluate_WithABlankOrTooLongCheckoutId_Is400(string value, int repeat = 1)
    {
        var response = await _storefront.PostAsJsonAsync("/api/promotions/evaluations",
            Checkout(PromotionsTestClient.UniqueProduct()).With("checkoutId", string.Concat(Enumerable.Repeat(value, repeat))), Ct);

        var problem = await response.ShouldBeAsync<ValidationProblemDetails>(HttpStatusCode.BadRequest);
        Assert.Contains("checkoutId", problem.Errors.Keys);
    }

    private async Task<(Guid Id, string Product)> CappedAsync(int maxUses)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = maxUses });
        return (await _admin.PublishAsync(definition), product);
    }

    private static JsonObject Checkout(string product, int quantity = 1) =>
        PromotionsTestClient.Cart(("l", product, quantity, 20m, null)).With("touchpoint", "checkout");

    private Task<int> HeldAsync(string checkoutId) => factory.QueryDbAsync(db =>
        db.BudgetReservations.CountAsync(reservation => reservation.CheckoutId == checkoutId && reservation.Status == ReservationStatus.Held, Ct));

    private Task<int> UsesAsync(Guid id) => factory.QueryDbAsync(async db =>
        (await db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct)).Uses);

    private async Task<string> StatusAsync(JsonObject evaluation)
    {
        var reservationId = evaluation["quote"]!["reservationId"]!.GetValue<Guid>();
        var reservation = await factory.QueryDbAsync(db => db.BudgetReservations.SingleAsync(reservation => reservation.Id == reservationId, Ct));
        return reservation.Status.ToString().ToLowerInvariant();
    }

    private async Task<JsonObject> PlaceAsync(JsonObject cart, JsonObject evaluation)
    {
        var response = await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = evaluation["quote"]!.DeepClone(),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = evaluation.Total("grandTotal"),
            ["chargedDiscountTotal"] = evaluation.Total("discountTotal"),
        }, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }
}
