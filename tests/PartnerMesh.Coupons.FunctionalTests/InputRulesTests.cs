using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// The input rules every service shares: a JSON member given twice is refused, an order id is what attribution takes too
/// (no control characters), and a currency is read in any case but never trimmed.
/// </summary>
public sealed class InputRulesTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CouponsApiFactory _factory = new();
    private HttpClient _admin = null!;
    private HttpClient _storefront = null!;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        _admin = _factory.Admin();
        _storefront = _factory.Storefront();
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Redeem_DuplicateMember_Returns400NamingIt()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var body = $$"""{"code":"{{code}}","orderId":"o-{{Guid.NewGuid():N}}","orderTotal":50,"currency":"EUR","orderTotal":5}""";

        var response = await _storefront.PostAsync("/api/coupons/redemptions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"orderTotal\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ord\u0007{0}")]
    [InlineData("ord\u0085{0}")]
    [InlineData("ord\n{0}")]
    public async Task Redeem_OrderIdWithControlCharacter_Returns400NamingOrderId(string pattern)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var orderId = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N")[..8]);

        var response = await _storefront.RedeemAsync(Redemption(code, orderId, null));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"orderId\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeem_OrderIdWithHash_IsRedeemedAndReadable()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var orderId = $"ord#{Guid.NewGuid():N}";

        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var read = await _storefront.GetAsync($"/api/coupons/redemptions/{Uri.EscapeDataString(orderId)}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Theory]
    [InlineData(" EUR")]
    [InlineData("EUR ")]
    public async Task Redeem_PaddedCurrency_Returns400NamingCurrency(string currency)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var redemption = Redemption(code, $"o-{Guid.NewGuid():N}", null);
        redemption["currency"] = currency;

        var response = await _storefront.RedeemAsync(redemption);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"currency\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeem_LowerCaseCurrency_IsRedeemedInUpperCase()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var redemption = Redemption(code, $"o-{Guid.NewGuid():N}", await _storefront.ReserveOkAsync(code));
        redemption["currency"] = "eur";

        var created = await (await _storefront.RedeemAsync(redemption)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("EUR", created["currency"]!.GetValue<string>());
    }
}
