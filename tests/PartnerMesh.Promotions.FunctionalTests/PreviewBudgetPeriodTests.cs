using System.Globalization;
using System.Text.Json.Nodes;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>A preview (<c>at</c>) judges the budgets of the periods its time falls in, not those of now.</summary>
public sealed class PreviewBudgetPeriodTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Preview_DayBudgetExhaustedToday_AppliesOnAnotherDay_AndARefusalNamesThePreviewedDay()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["period"] = "day", ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).Applied(id));
        var today = DateTime.UtcNow.Date;
        Assert.Equal($"the promotion's budget (day {Day(today)}): 1 of 1 uses taken, open checkouts included",
            Detail(await _storefront.EvaluateAsync(cart), id));
        var otherDay = today.AddDays(2);

        var preview = await _storefront.EvaluateAsync(cart.With("at", $"{Day(otherDay)}T12:00:00Z"));
        var checkoutPreview = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout").With("at", $"{Day(otherDay)}T12:00:00Z"));

        Assert.Equal(10m, preview.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.NotNull(checkoutPreview.Applied(id));
        Assert.Null(checkoutPreview["quote"]);

        // A use counted on that other day fills its cap there, and there only: periods are UTC days, whatever the offset.
        await factory.QueryDbAsync(db =>
        {
            db.BudgetCounters.Add(new BudgetCounter { Key = $"promotion:{id:N}:{Day(otherDay)}", Uses = 1, MaxUses = 1, UpdatedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync(Ct);
        });
        var refused = await Eventually.GetAsync(async () => await _storefront.EvaluateAsync(cart.With("at", $"{Day(otherDay)}T12:00:00Z")) is var evaluation
            && evaluation.RejectionReason(id) == "budget_exhausted" ? evaluation : null, TimeSpan.FromSeconds(20), "the counters are refreshed every second");
        var dayBeforeInUtc = await _storefront.EvaluateAsync(cart.With("at", $"{Day(otherDay)}T01:00:00+02:00"));
        var dayAfter = await _storefront.EvaluateAsync(cart.With("at", $"{Day(otherDay.AddDays(1))}T00:00:00Z"));

        Assert.Equal($"the promotion's budget (day {Day(otherDay)}): 1 of 1 uses taken, open checkouts included", Detail(refused, id));
        Assert.NotNull(dayBeforeInUtc.Applied(id));
        Assert.NotNull(dayAfter.Applied(id));
    }

    [Theory]
    [InlineData("week")]
    [InlineData("month")]
    [InlineData("year")]
    public async Task Preview_PeriodBudgetExhaustedNow_AppliesInALaterPeriod(string period)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["period"] = period, ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).Applied(id));
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));

        var later = await _storefront.EvaluateAsync(cart.With("at", DateTimeOffset.UtcNow.AddDays(400).ToString("O", CultureInfo.InvariantCulture)));

        Assert.NotNull(later.Applied(id));
    }

    private static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Detail(JsonObject evaluation, Guid id) =>
        evaluation["notApplied"]!.AsArray().Single(rejected => rejected!["promotionId"]!.GetValue<Guid>() == id)!["detail"]!.GetValue<string>();
}
