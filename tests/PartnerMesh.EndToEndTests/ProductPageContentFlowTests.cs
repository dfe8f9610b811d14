using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Issue 10 through the gateway with the whole system running: product-page content configured by an admin key and
/// answered to a storefront key; a quote mismatch found in the evaluation log.</summary>
public sealed class ProductPageContentFlowTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ContentPublished_IsAnsweredToTheStorefront_StickyPerVisitor_AndAStorefrontKeyCannotEditIt()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var product = $"sku-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/promotions/product-page/contents", new JsonObject
        {
            ["definition"] = new JsonObject
            {
                ["name"] = "e2e product page",
                ["target"] = new JsonObject { ["productIds"] = new JsonArray(product) },
                ["variants"] = new JsonArray(
                    new JsonObject { ["key"] = "banner", ["weight"] = 50, ["content"] = new JsonObject { ["bannerMessage"] = "<em>Runners</em> love it" } },
                    new JsonObject { ["key"] = "reviews", ["weight"] = 50, ["content"] = new JsonObject { ["reviewIds"] = new JsonArray("r-1") } }),
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/promotions/product-page/contents/{id}/publish", new JsonObject(), Ct)).StatusCode);

        var visit = new JsonObject { ["productId"] = product, ["visitorId"] = $"v-{Guid.NewGuid():N}", ["utmSource"] = "newsletter" };
        var first = await AskAsync(storefront, visit);
        var again = await AskAsync(storefront, visit);

        Assert.Equal(id, first["entryId"]!.GetValue<Guid>());
        Assert.Equal(first["variant"]!.GetValue<string>(), again["variant"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.PostAsJsonAsync("/api/promotions/product-page/contents", new JsonObject(), Ct)).StatusCode);
        await Eventually.UntilAsync(async () =>
            (await (await admin.GetAsync($"/api/promotions/product-page/contents/{id}/results", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!["variants"]!
                .AsArray().Sum(variant => variant!["exposures"]!.GetValue<long>()) == 1, TimeSpan.FromSeconds(30), because: "the visitor's exposure is written");
    }

    [Fact]
    public async Task QuoteMismatch_IsInTheEvaluationLog_ThroughTheGateway()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var cart = new JsonObject
        {
            ["currency"] = "EUR", ["touchpoint"] = "checkout", ["visitorId"] = $"v-{Guid.NewGuid():N}", ["shipping"] = 4.90m,
            ["lines"] = new JsonArray(new JsonObject { ["id"] = "l1", ["productId"] = $"sku-{Guid.NewGuid():N}", ["quantity"] = 1, ["unitPrice"] = 20m }),
        };
        var evaluation = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var orderId = $"order-{Guid.NewGuid():N}";
        var verified = await storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = orderId, ["quote"] = evaluation["quote"]!.DeepClone(), ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = 1.00m, ["chargedDiscountTotal"] = 0,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, verified.StatusCode);

        await Eventually.UntilAsync(async () =>
        {
            var page = (await (await admin.GetAsync($"/api/promotions/evaluation-log?orderId={orderId}", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            return page["items"]!.AsArray() is [{ } item] && item["outcome"]!.GetValue<string>() == "mismatch";
        }, TimeSpan.FromSeconds(30), because: "a mismatch is always logged");
    }

    private static async Task<JsonObject> AskAsync(HttpClient storefront, JsonObject visit)
    {
        var response = await storefront.PostAsJsonAsync("/api/promotions/product-page", visit, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }
}
