using System.Net;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class BffTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Me_WithSession_ReturnsTheSessionsPartnerAndEmail()
    {
        var partner = await factory.SignInNewPartnerAsync("Voucher Valley");

        var me = await (await partner.Browser.GetAsync("/portal/api/me")).ShouldBeAsync<MeResponse>(HttpStatusCode.OK);

        Assert.Equal(new MeResponse(partner.PartnerId, "Voucher Valley", partner.Email), me);
    }

    /// <summary>A partner's figures are never stored by a browser or a shared cache, and no answer is sniffed into another type.</summary>
    [Theory]
    [InlineData("/portal/api/me", HttpStatusCode.OK)]
    [InlineData("/portal/api/kpis", HttpStatusCode.OK)]
    [InlineData("/portal/api/kpis?from=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/portal/api/profile", HttpStatusCode.OK)]
    [InlineData("/portal/api/commissions", HttpStatusCode.OK)]
    [InlineData("/portal/api/ledger", HttpStatusCode.OK)]
    [InlineData("/portal/api/ledger.csv", HttpStatusCode.OK)]
    [InlineData("/portal/api/scorecard", HttpStatusCode.OK)]
    [InlineData("/portal/api/survey-insights", HttpStatusCode.OK)]
    [InlineData("/portal/api/webhooks", HttpStatusCode.OK)]
    [InlineData("/portal/api/no-such-call", HttpStatusCode.NotFound)]
    public async Task Calls_WithSession_AnswerNoStoreAndNoSniff(string path, HttpStatusCode expected)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        AssertNeitherCachedNorSniffed(response);
    }

    [Fact]
    public async Task Calls_WithoutSessionOrWithAChange_AnswerNoStoreAndNoSniff()
    {
        var partner = await factory.SignInNewPartnerAsync();

        AssertNeitherCachedNorSniffed(await new PortalBrowser(factory).GetAsync("/portal/api/ledger"));
        AssertNeitherCachedNorSniffed(await partner.Browser.Http.PostAsync("/portal/api/webhooks", new StringContent("{}"), Ct));
    }

    private static void AssertNeitherCachedNorSniffed(HttpResponseMessage response)
    {
        Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage?.RequestUri}: Cache-Control {response.Headers.CacheControl}");
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Me_WithoutSession_Returns401NotARedirect()
    {
        var response = await new PortalBrowser(factory).GetAsync("/portal/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(PartnerMeshScopes.Admin)]
    [InlineData(PartnerMeshScopes.Partner)]
    public async Task Me_WithAServiceTokenInsteadOfASession_Returns401(string scope)
    {
        var response = await factory.CreateClientWithScopes(scope).GetAsync("/portal/api/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Kpis_WithSession_PassesThroughAnalyticsAnswerForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpis?from=2025-01-01&to=2025-01-30");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(partner.PartnerId, json.RootElement.GetProperty("partnerId").GetGuid());
        var sales = json.RootElement.GetProperty("totals").GetProperty("sales").Deserialize<FakeSales[]>(JsonSerializerOptions.Web);
        Assert.Equal(FakeAnalytics.Canned.Sales, sales);
        Assert.Equal("2025-01-30", json.RootElement.GetProperty("to").GetString());

        var request = factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId);
        Assert.Equal($"/api/analytics/partners/{partner.PartnerId}/daily", request.Path);
        Assert.Equal("?from=2025-01-01&to=2025-01-30", request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task Kpis_WithAnotherPartnerInTheQuery_StillAsksOnlyForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var otherPartnerId = await factory.RegisterPartnerAsync("Someone Else");

        var response = await partner.Browser.GetAsync($"/portal/api/kpis?partnerId={otherPartnerId}&partner_id={otherPartnerId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(factory.Analytics.Requests, r => r.PartnerId == otherPartnerId || r.Query.Contains(otherPartnerId.ToString(), StringComparison.Ordinal));
        Assert.Contains(factory.Analytics.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "");
    }

    [Fact]
    public async Task Kpis_ForTwoPartners_EachSessionGetsItsOwnPartnerAndToken()
    {
        var first = await factory.SignInNewPartnerAsync("First Partner");
        var second = await factory.SignInNewPartnerAsync("Second Partner");

        await first.Browser.GetPageAsync("/portal/api/kpis");
        await second.Browser.GetPageAsync("/portal/api/kpis");

        await factory.AssertPartnerTokenAsync(factory.Analytics.Requests.Last(r => r.PartnerId == first.PartnerId).Authorization, first);
        await factory.AssertPartnerTokenAsync(factory.Analytics.Requests.Last(r => r.PartnerId == second.PartnerId).Authorization, second);
    }

    [Fact]
    public async Task Kpis_WithBadRange_PassesThroughAnalytics400Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpis?from=not-a-date");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(factory.Analytics.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?from=not-a-date");
    }

    [Fact]
    public async Task Kpis_WithQueryInjection_IsEscaped()
    {
        var partner = await factory.SignInNewPartnerAsync();

        await partner.Browser.GetAsync($"/portal/api/kpis?from={Uri.EscapeDataString("2025-01-01&partnerId=x")}");

        Assert.Contains(factory.Analytics.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?from=2025-01-01%26partnerId%3Dx");
    }

    [Fact]
    public async Task Kpis_WithoutSession_Returns401AndNeverCallsAnalytics()
    {
        var before = factory.Analytics.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync("/portal/api/kpis");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, factory.Analytics.Requests.Count);
    }

    [Theory]
    [InlineData("/portal/api/nothing-here")]
    [InlineData("/portal/api/ledger/2026")]
    [InlineData("/portal/api/webhooks/not-a-guid")]
    public async Task UnknownPath_WithSession_Returns404Problem(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var problem = await (await partner.Browser.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("Not Found", problem.Title);
        Assert.Contains(path, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_WithoutSession_Returns401()
    {
        var response = await new PortalBrowser(factory).GetAsync("/portal/api/nothing-here");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task KnownPathWithAnotherMethod_WithSession_Returns405()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.Http.DeleteAsync("/portal/api/me", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/portal/no-such-page")]
    [InlineData("/portal/earnings/2026")]
    [InlineData("/portal/links/extra")]
    public async Task UnknownPage_WithSession_Returns404PageWithNavigation(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/portal/links\"", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_SignOutForm_EndsTheSession()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var notFound = await partner.Browser.GetAsync("/portal/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        var token = PortalBrowser.FormToken(await notFound.Content.ReadAsStringAsync(Ct));

        var signedOut = await partner.Browser.PostFormAsync("/portal/logout", new() { [PortalBrowser.TokenField] = token });

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.GetAsync("/portal/api/me")).StatusCode);
    }

    [Theory]
    [InlineData("/portal/no-such-page")]
    [InlineData("/portal/earnings")]
    public async Task AnyPage_WithoutSession_RedirectsToSignIn_KnownOrNot(string path)
    {
        var response = await new PortalBrowser(factory).GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task KnownPageWithAnotherMethod_WithSession_Returns405()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.Http.DeleteAsync("/portal/earnings", Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
