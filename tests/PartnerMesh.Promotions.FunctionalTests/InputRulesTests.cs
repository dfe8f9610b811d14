using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// The input rules every service shares: a JSON member given twice is refused, a currency is read in any case but never
/// trimmed, and an order id is what coupons and attribution take (no control characters).
/// </summary>
public sealed class InputRulesTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private readonly HttpClient _storefront = factory.Storefront();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"currency":"EUR","currency":"JPY","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "currency")]
    [InlineData("""{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":1,"quantity":2,"unitPrice":1}]}""", "lines[0].quantity")]
    public async Task Evaluate_DuplicateMember_Returns400NamingIt(string body, string field)
    {
        var response = await _storefront.PostAsync("/api/promotions/evaluations", Json(body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_LowerCaseCurrency_IsPricedInUpperCase()
    {
        var response = await _storefront.PostAsync("/api/promotions/evaluations",
            Json("""{"currency":"eur","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}"""), Ct);

        var evaluation = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("EUR", evaluation["currency"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ord\\u0007x")]
    [InlineData("ord\\u009fx")]
    public async Task VerifyOrder_OrderIdWithControlCharacter_Returns400NamingOrderId(string orderId)
    {
        var response = await _storefront.PostAsync("/api/promotions/orders", Json($$"""{"orderId":"{{orderId}}"}"""), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"orderId\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }
}
