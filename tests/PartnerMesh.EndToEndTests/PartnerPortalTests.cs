using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>A partner signs in to the portal (through the gateway) and sees its own numbers, and only those.</summary>
public sealed partial class PartnerPortalTests(SystemFixture system)
{
    private const string Password = "correct-horse-battery-staple";
    private readonly Journeys _journeys = new(system);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedInPartner_SeesItsOwnNumbers()
    {
        var partner = await _journeys.CreatePartnerAsync(commissionRate: 0.20m);
        var link = await _journeys.CreateLinkAsync(partner.Id);
        var clickId = await _journeys.FollowLinkAsync(link.Code);
        await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", clickId, 250m);
        await _journeys.WaitForKpisAsync(partner.Id, totals => totals.Orders == 1);
        await CreateAccountAsync(partner);

        using var browser = CreateBrowser();
        await SignInAsync(browser, partner.Email, Password);

        var dashboard = await browser.GetAsync("/portal/", Ct);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var html = await dashboard.Content.ReadAsStringAsync(Ct);
        Assert.Contains(partner.Name, html, StringComparison.Ordinal);
        Assert.Contains("<dt>Revenue</dt><dd>EUR 250.00</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Commission</dt><dd>EUR 50.00</dd>", html, StringComparison.Ordinal);

        var kpis = await browser.GetFromJsonAsync<KpiReport>("/portal/api/kpis", Ct);
        Assert.Equal(partner.Id, kpis!.PartnerId);
        Assert.Equal(1, kpis.Totals.Orders);
        Assert.Equal(new KpiSales("EUR", Orders: 1, Revenue: 250m, Commission: 50m, AverageOrderValue: 250m), Assert.Single(kpis.Totals.Sales));
    }

    [Fact]
    public async Task Partner_NeverSeesAnotherPartnersNumbers()
    {
        var busy = await _journeys.CreatePartnerAsync();
        var busyLink = await _journeys.CreateLinkAsync(busy.Id);
        await _journeys.ReportOrderAsync($"order-{Guid.NewGuid():N}", await _journeys.FollowLinkAsync(busyLink.Code), 999m);
        await _journeys.WaitForKpisAsync(busy.Id, totals => totals.Orders == 1);

        var quiet = await _journeys.CreatePartnerAsync();
        await CreateAccountAsync(quiet);
        using var browser = CreateBrowser();
        await SignInAsync(browser, quiet.Email, Password);

        var kpis = await browser.GetFromJsonAsync<KpiReport>($"/portal/api/kpis?partnerId={busy.Id}", Ct);
        Assert.Equal(quiet.Id, kpis!.PartnerId);
        Assert.Equal(0, kpis.Totals.Orders);
        Assert.Empty(kpis.Totals.Sales);
        Assert.DoesNotContain("999.00", await browser.GetStringAsync("/portal/", Ct), StringComparison.Ordinal); // not "999": ids on the page are random hex
    }

    [Fact]
    public async Task Dashboard_WithoutSession_RedirectsToSignIn()
    {
        using var browser = CreateBrowser();

        var response = await browser.GetAsync("/portal/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/portal/login", response.Headers.Location!.OriginalString.Replace(system.GatewayUrl.ToString().TrimEnd('/'), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_IsRefused()
    {
        var partner = await _journeys.CreatePartnerAsync();
        await CreateAccountAsync(partner);
        using var browser = CreateBrowser();

        var response = await PostSignInAsync(browser, partner.Email, "not-the-password-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/portal/", Ct)).StatusCode);
    }

    /// <summary>
    /// Wrong passwords through the gateway start a back-off for the client's address (the gateway's X-Forwarded-For),
    /// which operators see in the portal's security audit. Five attempts: within the gateway's sign-in budget.
    /// </summary>
    [Fact]
    public async Task WrongPasswords_StartABackOffForTheAddress_AuditedForOperators()
    {
        var partner = await _journeys.CreatePartnerAsync();
        await CreateAccountAsync(partner);
        using var browser = CreateBrowser();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignInAsync(browser, partner.Email, $"wrong password {attempt}")).StatusCode);
        }

        using var admin = system.CreateAdminClient();
        var audit = await admin.GetFromJsonAsync<AuditPage>($"/api/portal/security/audit?partnerId={partner.Id}", Ct);

        var entry = Assert.Single(audit!.Items);
        Assert.Equal(("back-off-started", "source", 5), (entry.Kind, entry.Scope, entry.Failures));
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(entry.Source)), $"source {entry.Source}");
        Assert.NotNull(entry.BlockedUntil);
    }

    private sealed record AuditPage(List<AuditEntry> Items);

    private sealed record AuditEntry(string Kind, string Scope, string Source, int Failures, DateTimeOffset? BlockedUntil);

    /// <summary>The portal learns about partners from <c>PartnerRegistered</c>; until it arrives the account is refused.</summary>
    private async Task CreateAccountAsync(Partner partner)
    {
        using var admin = system.CreateAdminClient();
        await Testing.Eventually.UntilAsync(async () =>
        {
            var response = await admin.PostAsJsonAsync("/api/portal/accounts", new { partnerId = partner.Id, email = partner.Email, password = Password }, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NotFound, $"unexpected {(int)response.StatusCode}");
            return response.StatusCode == HttpStatusCode.Created;
        }, because: "the portal should learn about the partner from PartnerRegistered");
    }

    private HttpClient CreateBrowser() =>
        system.CreateAnonymousClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });

    private static async Task SignInAsync(HttpClient browser, string email, string password)
    {
        var response = await PostSignInAsync(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string email, string password)
    {
        var form = await browser.GetStringAsync("/portal/login", Ct);
        var fields = HiddenInput().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["email"] = email;
        fields["password"] = password;
        return await browser.PostAsync("/portal/login", new FormUrlEncodedContent(fields), Ct);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
