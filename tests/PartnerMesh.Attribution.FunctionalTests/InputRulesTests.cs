using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// The input rules every service shares: a JSON member given twice is refused, an order id is what coupons and promotions
/// take (any text of 1 to 100 characters without '/' or control characters), a currency is read in any case but never
/// trimmed, and <c>?limit=</c> is plain digits.
/// </summary>
public class InputRulesTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> PostConversionAsync(string json) =>
        _storefront.PostAsync("/api/attribution/conversions", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task RecordConversion_DuplicateMember_Returns400NamingItAndRecordsNothing()
    {
        var orderId = $"dup-{Guid.NewGuid():N}";

        var response = await PostConversionAsync($$"""{"orderId":"{{orderId}}","amount":100,"currency":"EUR","amount":1}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"amount\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == orderId, Ct)));
    }

    [Theory]
    [InlineData("ord#{0}")]
    [InlineData("ord {0}")]
    [InlineData("ordü{0}")]
    [InlineData("ord+{0}@shop")]
    [InlineData("=1+{0}")]
    public async Task RecordConversion_OrderIdCouponsAccepts_IsRecordedAndReadable(string pattern)
    {
        var orderId = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N")[..12]);

        var response = await PostConversionAsync($$"""{"orderId":"{{orderId}}","amount":10,"currency":"EUR"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var read = await _storefront.GetAsync($"/api/attribution/conversions/{Uri.EscapeDataString(orderId)}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(orderId, await factory.QueryDbAsync(db => db.Conversions.Where(c => c.OrderId == orderId).Select(c => c.OrderId).SingleAsync(Ct)));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\u0007b")]
    [InlineData("a\\u0085b")]
    [InlineData("a\\nb")]
    [InlineData("   ")]
    [InlineData("..")]
    public async Task RecordConversion_OrderIdOutsideTheSharedRule_Returns400NamingOrderId(string orderId)
    {
        var response = await PostConversionAsync($$"""{"orderId":"{{orderId}}","amount":10,"currency":"EUR"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"orderId\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordConversion_LowerCaseCurrency_IsRecordedUpperCase()
    {
        var orderId = $"cur-{Guid.NewGuid():N}";

        var response = await PostConversionAsync($$"""{"orderId":"{{orderId}}","amount":10,"currency":"eur"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("EUR", await factory.QueryDbAsync(db => db.Conversions.Where(c => c.OrderId == orderId).Select(c => c.Currency).SingleAsync(Ct)));
    }

    [Theory]
    [InlineData(" EUR")]
    [InlineData("EUR ")]
    [InlineData("eu")]
    public async Task RecordConversion_PaddedOrShortCurrency_Returns400(string currency)
    {
        var response = await PostConversionAsync($$"""{"orderId":"cur-{{Guid.NewGuid():N}}","amount":10,"currency":"{{currency}}"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"currency\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%205")]
    [InlineData("%2B5")]
    [InlineData("05")]
    [InlineData("5%20")]
    public async Task ListPartners_LimitNotInPlainDigits_Returns400NamingLimit(string limit)
    {
        var response = await _admin.GetAsync($"/api/attribution/partners?limit={limit}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"limit\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListPartners_PlainLimit_IsAccepted()
    {
        var response = await _admin.GetAsync("/api/attribution/partners?limit=5", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
