using System.Globalization;
using System.Net;
using System.Web;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class SignInTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoginPage_ForAnonymousVisitor_RendersAnAccessibleFormWithAntiforgery()
    {
        var response = await new PortalBrowser(factory).GetAsync("/portal/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"sign-in-title\">Sign in</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"email\">Email</label>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">Password</label>", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/portal/login\"", html, StringComparison.Ordinal);
        Assert.NotEmpty(PortalBrowser.FormToken(html));
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var antiforgeryCookie = SetCookie(response, PortalSession.AntiforgeryCookieName);
        Assert.Contains("path=/portal", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/portal/")]
    [InlineData("/portal")]
    public async Task Dashboard_WithoutSession_RedirectsToLogin(string path)
    {
        var response = await new PortalBrowser(factory).GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Dashboard_WithAServiceToken_RedirectsToLogin()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        var response = await factory.CreatePartnerClient(partnerId).GetAsync("/portal/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithRightPassword_IssuesAStrictSessionCookieAndRecordsTheSignIn()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);

        var response = await browser.SignInAsync(email.ToUpperInvariant(), AdminApi.StrongPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/", response.Headers.Location?.OriginalString);
        var cookie = SetCookie(response, PortalSession.CookieName);
        Assert.Contains("path=/portal", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var stored = await factory.QueryDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id));
        Assert.NotNull(stored.LastSignInAt);
    }

    /// <summary>
    /// The e-mail is compared by the shared rule (CustomerEmail), as when accounts are opened: a look-alike is the address
    /// it imitates, so it reaches that one account (and no other can carry it), with that account's password only.
    /// </summary>
    [Theory]
    [InlineData("zero-width space before @")]
    [InlineData("full-width letters")]
    [InlineData("soft hyphen")]
    public async Task SignIn_WithALookAlikeOfTheEmail_SignsInToTheAccountItImitates(string lookAlike)
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        var lookAlikeEmail = AccountEndpointsTests.LookAlike(email, lookAlike);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(lookAlikeEmail, "not the password at all")).StatusCode);
        await browser.SignInSuccessfullyAsync(lookAlikeEmail, AdminApi.StrongPassword);

        var me = await (await browser.GetAsync("/portal/api/me")).ShouldBeAsync<MeResponse>(HttpStatusCode.OK);
        Assert.Equal((partnerId, email), (me.PartnerId, me.Email));
        var stored = await factory.QueryDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id));
        Assert.NotNull(stored.LastSignInAt);
    }

    [Fact]
    public async Task Dashboard_AfterSignIn_ShowsThePartnersNameAndNumbers()
    {
        var partner = await factory.SignInNewPartnerAsync("Müller & Söhne <Deals>");
        var dayBeforeLoading = DateOnly.FromDateTime(DateTime.UtcNow);

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<h1>Müller &amp; Söhne &lt;Deals&gt;</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Deals>", html, StringComparison.Ordinal);
        Assert.Contains(partner.Email, html, StringComparison.Ordinal);
        Assert.Contains("<dt>Clicks</dt><dd>1,249</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Orders</dt><dd>38</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Conversion rate</dt><dd>3.0 %</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Orders per click</dt><dd>0.036</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Day</th>", html, StringComparison.Ordinal);
        Assert.Contains("<caption class=\"visually-hidden\">", html, StringComparison.Ordinal);

        var request = factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId);
        // The portal's own "today" (the UTC day while it handled the request), not the test's clock after the page came back.
        var today = PortalToday(partner.PartnerId);
        Assert.InRange(today, dayBeforeLoading, DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Contains($"to={today:yyyy-MM-dd}", request.Query, StringComparison.Ordinal);
        Assert.Contains($"from={today.AddDays(-29):yyyy-MM-dd}", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WithSalesInTwoCurrencies_ShowsEachCurrencyAndNeverASum()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<div><dt>Revenue</dt><dd>EUR 3,521.49</dd><dd>USD 900.00</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Commission</dt><dd>EUR 352.15</dd><dd>USD 90.00</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Average order value</dt><dd>EUR 117.38</dd><dd>USD 112.50</dd></div>", html, StringComparison.Ordinal);
        var today = PortalToday(partner.PartnerId);
        Assert.Contains(
            $"<tr><th scope=\"row\">{today:yyyy-MM-dd}</th><td>1,234</td><td>37</td>"
            + "<td><span class=\"amount\">EUR 3,521.49</span><span class=\"amount\">USD 800.01</span></td>"
            + "<td><span class=\"amount\">EUR 352.15</span><span class=\"amount\">USD 80.00</span></td><td>3.0 %</td><td>0.036</td></tr>",
            html,
            StringComparison.Ordinal);
        Assert.Contains(
            $"<tr><th scope=\"row\">{today.AddDays(-1):yyyy-MM-dd}</th><td>10</td><td>1</td>"
            + "<td><span class=\"amount\">USD 99.99</span></td><td><span class=\"amount\">USD 10.00</span></td><td>10.0 %</td><td>0.1</td></tr>",
            html,
            StringComparison.Ordinal);

        // EUR + USD added up, in the totals (4,421.49 / 442.15 / 116.35) or today's row (4,321.50 / 432.15).
        foreach (var mixedSum in new[] { "4,421.49", "442.15", "116.35", "4,321.50", "432.15" })
        {
            Assert.DoesNotContain(mixedSum, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dashboard_DayWithoutSales_ShowsADashNotZero()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var html = await partner.Browser.GetPageAsync("/portal/");

        var dayWithClicksOnly = PortalToday(partner.PartnerId).AddDays(-2);
        Assert.Contains(
            $"<tr><th scope=\"row\">{dayWithClicksOnly:yyyy-MM-dd}</th><td>5</td><td>0</td><td>{PortalPages.NoSales}</td><td>{PortalPages.NoSales}</td><td>0.0 %</td><td>0</td></tr>",
            html,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ShowsEachCurrencyWithItsOwnMinorUnits()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        factory.Analytics.Reports[partner.PartnerId] = FakeReports.OneDay(partner.PartnerId, today, new FakeKpis(9, 3, 3, 3, 0.3333m, 0.3333m,
        [
            new FakeSales("EUR", 1, 1234.5m, 123.45m, 1234.5m),
            new FakeSales("JPY", 1, 12345m, 1235m, 12345m),
            new FakeSales("KWD", 1, 12.25m, 1.23m, 12.25m),
        ]));

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<div><dt>Revenue</dt><dd>EUR 1,234.50</dd><dd>JPY 12,345</dd><dd>KWD 12.250</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Commission</dt><dd>EUR 123.45</dd><dd>JPY 1,235</dd><dd>KWD 1.230</dd></div>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WithClicksButNoSales_ShowsADashInEveryMoneyTile()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        factory.Analytics.Reports[partner.PartnerId] = FakeReports.OneDay(partner.PartnerId, today, new FakeKpis(7, 0, 0, 0, 0m, 0m, []));

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<dt>Clicks</dt><dd>7</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Orders</dt><dd>0</dd>", html, StringComparison.Ordinal);
        Assert.Contains($"<div><dt>Revenue</dt><dd>{PortalPages.NoSales}</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div><dt>Commission</dt><dd>{PortalPages.NoSales}</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div><dt>Average order value</dt><dd>{PortalPages.NoSales}</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>7</td><td>0</td><td>{PortalPages.NoSales}</td><td>{PortalPages.NoSales}</td><td>0.0 %</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0.00", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WhenAnalyticsAnswersWithoutSalesPerCurrency_ShowsNumbersUnavailableNotNoSales()
    {
        var partner = await factory.SignInNewPartnerAsync("Legacy Partner");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        factory.Analytics.Reports[partner.PartnerId] = new
        {
            partnerId = partner.PartnerId,
            partnerName = "Legacy Partner",
            from = today.AddDays(-29),
            to = today,
            days = new[] { new { day = today, clicks = 10, orders = 2, revenue = 130.50m, commission = 13.05m, conversionRate = 0.2m } },
            totals = new { clicks = 10, orders = 2, revenue = 130.50m, commission = 13.05m, conversionRate = 0.2m, averageOrderValue = 65.25m },
        };

        var html = await partner.Browser.GetPageAsync("/portal/");

        Assert.Contains("<h1>Legacy Partner</h1>", html, StringComparison.Ordinal);
        Assert.Contains(PortalPages.UnavailableMessage, html, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalPages.NoSales, html, StringComparison.Ordinal);
        Assert.DoesNotContain("130.50", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_Returns401WithTheFormAndAGenericError()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);

        var response = await new PortalBrowser(factory).SignInAsync(email, "not the password at all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(PortalPages.SignInFailedMessage, html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.NotEmpty(PortalBrowser.FormToken(html));
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.Any(c => c.StartsWith(PortalSession.CookieName + "=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignIn_WithUnknownEmail_LooksExactlyLikeAWrongPassword()
    {
        var response = await new PortalBrowser(factory).SignInAsync(AdminApi.NewEmail(), AdminApi.StrongPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(PortalPages.SignInFailedMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FourWrongPasswordsThenTheRightOne_SucceedsAndResetsTheCount()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        for (var attempt = 1; attempt < new SignInThrottleOptions().FreeFailuresPerSource; attempt++)
        {
            await browser.SignInAsync(email, "wrong password");
        }

        await browser.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        var throttle = await factory.QueryDbAsync(db => db.SignInThrottles.AsNoTracking().SingleAsync(row => row.AccountId == account.Id && row.Source != SignInThrottle.AccountWide));
        Assert.Equal(0, throttle.Failures);
        Assert.Null(throttle.BlockedUntil);
        Assert.NotNull(throttle.LastSuccessAt);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Returns400FormAndNoSession()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        await browser.GetPageAsync("/portal/login");

        var response = await browser.PostFormAsync("/portal/login", new() { ["email"] = email, ["password"] = AdminApi.StrongPassword });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(PortalPages.FormExpiredMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/portal/")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithATokenFromAnotherBrowser_Returns400()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);
        var attackerToken = PortalBrowser.FormToken(await new PortalBrowser(factory).GetPageAsync("/portal/login"));
        var victim = new PortalBrowser(factory);

        var response = await victim.PostFormAsync(
            "/portal/login",
            new() { ["email"] = email, ["password"] = AdminApi.StrongPassword, [PortalBrowser.TokenField] = attackerToken });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithOversizedForm_Returns413Problem()
    {
        var browser = new PortalBrowser(factory);

        var response = await browser.PostFormAsync("/portal/login", new() { ["email"] = "a@partner.example", ["password"] = new string('x', 70_000) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task LoginPage_WhenAlreadySignedIn_RedirectsToDashboard()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/login");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.SignOutAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/login", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await partner.Browser.GetAsync("/portal/")).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_KeepsTheSession()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.PostFormAsync("/portal/logout", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await partner.Browser.GetAsync("/portal/")).StatusCode);
    }

    [Fact]
    public async Task DeletedAccount_LosesItsSessionAndCannotSignInAgain()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var deleted = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).DeleteAsync($"/api/portal/accounts/{partner.AccountId}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await partner.Browser.GetAsync("/portal/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await partner.Browser.SignInAsync(partner.Email, AdminApi.StrongPassword)).StatusCode);
    }

    /// <summary>
    /// The day the portal took as today, read from its last request to analytics (<c>to=</c>); the fake analytics
    /// builds its days from it. A UTC midnight between the portal's request and the test's own clock cannot break the test.
    /// </summary>
    private DateOnly PortalToday(Guid partnerId)
    {
        var query = factory.Analytics.Requests.Last(r => r.PartnerId == partnerId).Query;
        var to = HttpUtility.ParseQueryString(query)["to"];
        Assert.NotNull(to);
        return DateOnly.ParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(name + "=", StringComparison.Ordinal));
}
