using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Drives the promotions API as program managers and storefronts do: JSON in, JSON out.</summary>
public static class PromotionsTestClient
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HttpClient Admin(this PromotionsApiFactory factory) => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    public static HttpClient Storefront(this PromotionsApiFactory factory) => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    /// <summary>Creates and publishes a promotion; returns its id.</summary>
    public static async Task<Guid> PublishAsync(this HttpClient admin, JsonObject definition)
    {
        var created = await admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);
        var id = (await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var published = await admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject { ["reason"] = "test" }, Ct);
        await published.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        return id;
    }

    /// <summary>A partner the service knows (as the attribution service's registration event would add it); returns its id.
    /// Evaluations and the product page refuse a partner id no partner has.</summary>
    public static async Task<Guid> RegisterPartnerAsync(this PromotionsApiFactory factory)
    {
        var partner = Guid.NewGuid();
        await factory.QueryDbAsync(db =>
        {
            db.Partners.Add(new KnownPartner { Id = partner, Name = $"partner {partner:N}", Kind = "affiliate", RegisteredAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync(Ct);
        });
        return partner;
    }

    public static async Task<JsonObject> EvaluateAsync(this HttpClient storefront, JsonObject request)
    {
        var response = await storefront.PostAsJsonAsync("/api/promotions/evaluations", request, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    public static JsonObject Cart(params (string Id, string Product, int Quantity, decimal Price, string? Category)[] lines) => new()
    {
        ["currency"] = "EUR",
        ["lines"] = new JsonArray([.. lines.Select(line => (JsonNode)new JsonObject
        {
            ["id"] = line.Id,
            ["productId"] = line.Product,
            ["quantity"] = line.Quantity,
            ["unitPrice"] = line.Price,
            ["categories"] = line.Category is null ? new JsonArray() : new JsonArray(line.Category),
        })]),
        ["shipping"] = 4.90m,
    };

    public static JsonObject With(this JsonObject node, string name, JsonNode? value)
    {
        var copy = (JsonObject)node.DeepClone();
        copy[name] = value;
        return copy;
    }

    public static decimal Total(this JsonObject evaluation, string name) => evaluation["totals"]![name]!.GetValue<decimal>();

    public static JsonObject? Applied(this JsonObject evaluation, Guid promotionId) =>
        evaluation["applied"]!.AsArray().OfType<JsonObject>().FirstOrDefault(applied => applied["promotionId"]!.GetValue<Guid>() == promotionId);

    public static string? RejectionReason(this JsonObject evaluation, Guid promotionId) =>
        evaluation["notApplied"]!.AsArray().OfType<JsonObject>()
            .FirstOrDefault(rejected => rejected["promotionId"]!.GetValue<Guid>() == promotionId)?["reason"]?.GetValue<string>();

    /// <summary>A unique product id, so promotions of one test never apply to another test's carts.</summary>
    public static string UniqueProduct() => $"sku-{Guid.NewGuid():N}";

    public static JsonObject PercentOffProduct(string product, decimal percent, string name = "percent off product") => new()
    {
        ["name"] = name,
        ["action"] = new JsonObject
        {
            ["type"] = "percentOffItems",
            ["percent"] = percent,
            ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) },
        },
    };
}
