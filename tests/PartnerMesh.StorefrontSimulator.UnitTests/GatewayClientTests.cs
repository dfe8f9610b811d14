using System.Net;
using PartnerMesh.StorefrontSimulator.Gateway;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class GatewayClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (GatewayClient Client, HttpClient Http) Create(HttpMessageHandler handler)
    {
        var http = new HttpClient(handler) { BaseAddress = new Uri("http://gateway.test/") };
        return (new GatewayClient(http, TimeProvider.System), http);
    }

    [Fact]
    public async Task FollowLink_Redirect_ReturnsClickIdFromLocation()
    {
        var gateway = new FakeGateway();
        var (client, http) = Create(gateway);
        using var _ = http;
        var partner = gateway.AddPartner("sim-x");
        var setup = new Simulation.GatewaySetup(client, FakeGateway.AdminKey, TimeProvider.System, TextWriter.Null);
        var link = await setup.CreateLinkAsync(partner, "https://shop.example.com/a?ref=1", Ct);

        var click = await client.FollowLinkAsync(link.Code, [new("utm_source", "blog")], new ShopperContext("v1", "ua", null), Ct);

        Assert.True(click.IsSuccess, click.Error);
        Assert.Equal(HttpStatusCode.Found, click.Status);
        Assert.StartsWith("https://shop.example.com/a?ref=1&pm_click=", click.Location, StringComparison.Ordinal);
        Assert.Equal(1, gateway.ClickCount);
    }

    [Fact]
    public async Task FollowLink_After429_WaitsRetryAfterAndRetries()
    {
        var gateway = new FakeGateway();
        var (client, http) = Create(gateway);
        using var _ = http;
        var partner = gateway.AddPartner("sim-x");
        var setup = new Simulation.GatewaySetup(client, FakeGateway.AdminKey, TimeProvider.System, TextWriter.Null);
        var link = await setup.CreateLinkAsync(partner, "https://shop.example.com/", Ct);
        gateway.ThrottleNextClicks(1);
        var started = TimeProvider.System.GetTimestamp();

        var click = await client.FollowLinkAsync(link.Code, [], new ShopperContext("v1", "ua", null), Ct);

        Assert.True(click.IsSuccess, click.Error);
        Assert.Equal(1, click.ThrottledAttempts);
        Assert.Equal(1, client.ThrottledResponses);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(950), "Retry-After: 1 was honoured");
    }

    [Fact]
    public async Task FollowLink_RedirectWithoutClickId_IsAnError()
    {
        using var handler = new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://shop.example.com/");
            return response;
        });
        var (client, http) = Create(handler);
        using var _ = http;

        var click = await client.FollowLinkAsync("abc", [], new ShopperContext("v1", "ua", null), Ct);

        Assert.False(click.IsSuccess);
        Assert.Contains("pm_click", click.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowLink_ClickIdOnlyInCookie_IsUsed()
    {
        using var handler = new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://shop.example.com/");
            response.Headers.TryAddWithoutValidation("Set-Cookie", "pm_click=from-cookie; Path=/");
            return response;
        });
        var (client, http) = Create(handler);
        using var _ = http;

        var click = await client.FollowLinkAsync("abc", [], new ShopperContext("v1", "ua", null), Ct);

        Assert.Equal("from-cookie", click.ClickId);
    }

    [Fact]
    public async Task FollowLink_SendsShopperHeadersAndEscapedQuery()
    {
        HttpRequestMessage? seen = null;
        using var handler = new StubHandler(request =>
        {
            seen = request;
            return new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("/x?pm_click=1", UriKind.Relative) } };
        });
        var (client, http) = Create(handler);
        using var _ = http;

        await client.FollowLinkAsync("my code", [new("utm_campaign", "spring sale&more")], new ShopperContext("0123456789abcdef0123456789abcdef", "Agent/1", "https://blog.example.com/"), Ct);

        Assert.NotNull(seen);
        Assert.Equal("/r/my%20code?utm_campaign=spring%20sale%26more", seen.RequestUri!.PathAndQuery);
        Assert.Equal("pm_vid=0123456789abcdef0123456789abcdef", Assert.Single(seen.Headers.GetValues("Cookie")));
        Assert.Equal("https://blog.example.com/", seen.Headers.Referrer?.ToString());
        Assert.False(seen.Headers.Contains(GatewayClient.ApiKeyHeader), "shoppers carry no API key");
    }

    [Fact]
    public async Task Post_SendsApiKeyAndCamelCaseJsonWithoutNulls()
    {
        string? body = null;
        string? key = null;
        using var handler = new StubHandler(request =>
        {
            key = request.Headers.GetValues(GatewayClient.ApiKeyHeader).Single();
            body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent("""{"conversionId":"c1","orderId":"o1","attributed":true,"partnerId":"p","commissionAmount":"6.00"}"""),
            };
        });
        var (client, http) = Create(handler);
        using var _ = http;

        var result = await client.PostAsync<ConversionResponse>(
            "api/attribution/conversions", "pm_k", new ConversionRequest("o1", null, 60m, "EUR", null), Ct);

        Assert.Equal("pm_k", key);
        Assert.Equal("""{"orderId":"o1","amount":60,"currency":"EUR"}""", body);
        Assert.True(result.IsSuccess);
        Assert.Equal(6.00m, result.Value?.CommissionAmount);
    }

    [Fact]
    public async Task Get_KpisWithSalesPerCurrency_ReadsOrdersAcrossCurrencies()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""
                {"partnerId":"p","partnerName":"P","from":"2026-11-23","to":"2026-11-24",
                 "days":[{"day":"2026-11-24","clicks":3,"orders":2,"conversionRate":0.6667,
                          "sales":[{"currency":"EUR","orders":1,"revenue":120.50,"commission":12.05,"averageOrderValue":120.50},
                                   {"currency":"USD","orders":1,"revenue":10.00,"commission":1.00,"averageOrderValue":10.00}]}],
                 "totals":{"clicks":3,"orders":2,"conversionRate":0.6667,
                           "sales":[{"currency":"EUR","orders":1,"revenue":120.50,"commission":12.05,"averageOrderValue":120.50},
                                    {"currency":"USD","orders":1,"revenue":10.00,"commission":1.00,"averageOrderValue":10.00}]}}
                """),
        });
        var (client, http) = Create(handler);
        using var _ = http;

        var result = await client.GetAsync<DailyKpiResponse>("api/analytics/partners/p/daily", "pm_k", Ct);

        Assert.True(result.IsSuccess, result.Describe());
        Assert.Equal(new KpiTotals(Clicks: 3, Orders: 2), result.Value?.Totals);
        Assert.Equal(new DailyKpi("2026-11-24", Clicks: 3, Orders: 2), Assert.Single(result.Value!.Days!));
    }

    [Fact]
    public async Task Send_UnexpectedBodyOn2xx_IsAnErrorNotAnException()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>") });
        var (client, http) = Create(handler);
        using var _ = http;

        var result = await client.GetAsync<ConversionResponse>("api/x", "k", Ct);

        Assert.False(result.IsSuccess);
        Assert.Contains("ConversionResponse", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NoServer_IsAnErrorWithStatusZero()
    {
        using var handler = new StubHandler(_ => throw new HttpRequestException("Connection refused"));
        var (client, http) = Create(handler);
        using var _ = http;

        var result = await client.GetAsync<string>("api/x", "k", Ct);

        Assert.Equal((HttpStatusCode)0, result.Status);
        Assert.Contains("Connection refused", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstLink_SkipsDeactivatedLinksAndReadsPlainArrays()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""
                [{"id":"1","code":"old-one","active":false},{"id":"2","code":"live-one","active":true},{"id":"3","code":"other"}]
                """),
        });
        var (client, http) = Create(handler);
        using var _ = http;
        var setup = new Simulation.GatewaySetup(client, "k", TimeProvider.System, TextWriter.Null);

        var link = await setup.FirstLinkAsync("p1", Ct);

        Assert.Equal("live-one", link?.Code);
    }

    [Fact]
    public async Task FirstLink_NoLinks_IsNull()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"items":[],"nextCursor":null}"""),
        });
        var (client, http) = Create(handler);
        using var _ = http;
        var setup = new Simulation.GatewaySetup(client, "k", TimeProvider.System, TextWriter.Null);

        Assert.Null(await setup.FirstLinkAsync("p1", Ct));
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }
}
