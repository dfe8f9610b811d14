using System.Net;
using System.Text;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// A <c>null</c> entry in any request array of objects (experiment variants, definition conditions, budgets and tiers,
/// content variants, cart lines) is a 400 naming the entry's JSON path — never a 500.
/// </summary>
public sealed class NullArrayEntryTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private readonly HttpClient _admin = factory.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> NullEntries => new()
    {
        { "/api/promotions/experiments", """{"name":"x","variants":[null,{"key":"t","weight":50,"promotionId":"0194a7c1-0000-7000-8000-000000000001"}],"holdoutPercent":10}""", "variants[0]" },
        { "/api/promotions/experiments", """{"name":"x","variants":[{"key":"t","weight":50,"promotionId":"0194a7c1-0000-7000-8000-000000000001"},null]}""", "variants[1]" },
        { "/api/promotions/experiments", """{"name":"x","variants":[null,null]}""", "variants[1]" },
        { "/api/promotions/definitions", """{"definition":{"name":"x","conditions":[null],"action":{"type":"freeShipping"}}}""", "definition.conditions[0]" },
        { "/api/promotions/definitions", """{"definition":{"name":"x","budgets":[null],"action":{"type":"freeShipping"}}}""", "definition.budgets[0]" },
        { "/api/promotions/definitions", """{"definition":{"name":"x","currency":"EUR","action":{"type":"tieredOrder","tiers":[null]}}}""", "definition.action.tiers[0]" },
        { "/api/promotions/product-page/contents", """{"definition":{"name":"x","target":{},"variants":[null]}}""", "definition.variants[0]" },
        { "/api/promotions/evaluations", """{"currency":"EUR","lines":[null]}""", "lines[0]" },
    };

    [Theory]
    [MemberData(nameof(NullEntries))]
    public async Task Post_WithANullArrayEntry_Returns400NamingItsPath(string path, string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var client = path.EndsWith("evaluations", StringComparison.Ordinal) ? factory.Storefront() : _admin;

        var problem = await (await client.PostAsync(path, content, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }
}
