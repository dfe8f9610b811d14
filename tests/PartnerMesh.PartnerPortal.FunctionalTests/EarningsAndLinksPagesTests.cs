using System.Net;
using PartnerMesh.PartnerPortal.Api.Attribution;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The Earnings page (<c>/portal/earnings</c>: agreement, ledger, commissions, payouts) and the Links &amp; codes page
/// (<c>/portal/links</c>: clicks summary, links with their codes and tracking URLs), from <see cref="FakeAttribution"/>.
/// </summary>
public class EarningsAndLinksPagesTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Earnings_ShowsTheLedgerPerCurrency_AndTheCsvDownload()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var html = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(EarningsPage.Path));

        Assert.Contains("<h2 id=\"ledger-title\">Your ledger</h2>", html, StringComparison.Ordinal);
        Assert.Contains(
            "<th scope=\"col\">Currency</th><th scope=\"col\">Earned</th><th scope=\"col\">Pending</th><th scope=\"col\">Held</th><th scope=\"col\">Approved</th>"
            + "<th scope=\"col\">Paid</th><th scope=\"col\">Reversed</th><th scope=\"col\">Clawed back</th><th scope=\"col\">Rejected</th>",
            html,
            StringComparison.Ordinal);
        Assert.Contains(
            "<tr><th scope=\"row\">EUR</th><td>EUR 1,234.50</td><td>EUR 100.00</td><td>EUR 25.50</td><td>EUR 296.66</td><td>EUR 800.00</td>"
            + "<td>EUR 10.00</td><td>EUR 12.34</td><td>EUR 5.00</td></tr>",
            html,
            StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">JPY</th><td>JPY 5,000</td><td>JPY 5,000</td><td>JPY 0</td>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/portal/api/ledger.csv\" download>", html, StringComparison.Ordinal);
        Assert.Contains(EarningsPage.LedgerExplained, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earnings_ListsCommissionsWithStatusAndHoldReasons_AndThePayouts()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var order = FakeAttribution.OrderOf(partner.PartnerId);

        var html = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(EarningsPage.Path));

        Assert.Contains(
            $"<tr><th scope=\"row\" class=\"nowrap\">2026-11-20</th><td>Sale</td><td>{order}</td><td class=\"nowrap\">EUR 12.50</td><td>Held for review</td>"
            + "<td class=\"text\">Hold reasons: self-referral (the buyer looks like you), your code used without your link (possible leak); hold period until 2026-12-20</td></tr>",
            html,
            StringComparison.Ordinal);
        Assert.Contains(
            $"<tr><th scope=\"row\" class=\"nowrap\">2026-11-20</th><td>Sale</td><td>{order}-b</td><td class=\"nowrap\">EUR 800.00</td><td>Paid</td><td class=\"text\">paid 2026-12-21</td></tr>",
            html,
            StringComparison.Ordinal);
        Assert.Contains($"<td>Clawback</td><td>{order}-b</td><td class=\"nowrap\">EUR -12.34</td><td>Approved</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/portal/earnings?after={FakeAttribution.SecondPage}\">Next commissions</a>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"payouts-title\">Payouts</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">2026-12-21</th><td>EUR 800.00</td><td>12</td><td>" + FakeAttribution.Mark(partner.PartnerId), html, StringComparison.Ordinal);
        var commissions = factory.Attribution.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path == "/api/attribution/me/commissions");
        Assert.Equal("", commissions.Query);
        await factory.AssertPartnerTokenAsync(commissions.Authorization, partner, ResourceNames.AttributionApi);
    }

    [Fact]
    public async Task Earnings_StatusChoiceAndNextPage_ArePassedToAttribution_ForTheSessionsPartnerOnly()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");

        var held = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync($"{EarningsPage.Path}?status=held&partnerId={other}"));
        var next = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync($"{EarningsPage.Path}?status=&after={FakeAttribution.SecondPage}"));

        Assert.Contains("<option value=\"held\" selected>Held for review</option>", held, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>Paid</td>", held, StringComparison.Ordinal);
        Assert.Contains("<td>Lead</td><td>—</td><td class=\"nowrap\">EUR 2.50</td><td>Pending</td><td class=\"text\">hold period until 2026-12-20; lead sign-up</td>", next, StringComparison.Ordinal);
        Assert.DoesNotContain("Next commissions", next, StringComparison.Ordinal);
        Assert.Contains(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Path == "/api/attribution/me/commissions" && r.Query == "?status=held");
        Assert.Contains(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Path == "/api/attribution/me/commissions" && r.Query == "?after=c2");
        Assert.DoesNotContain(factory.Attribution.Requests, r => r.PartnerId == other || r.Query.Contains(other.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Earnings_WithAStatusAttributionRefuses_Is400WithItsMessage_AndStillShowsTheLedger()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync($"{EarningsPage.Path}?status=%3Cowed%3E");
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<div class=\"alert\" role=\"alert\" id=\"commission-error\"><ul><li>status: status must be one of: pending, held, approved, paid, rejected.</li></ul></div>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">EUR</th>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<owed>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earnings_ShowsTheLatestAgreement_AndAcceptingItRecordsItForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var latest = FakeAttribution.LatestAgreementOf(factory.Attribution.ProgramOf(partner.PartnerId)!.Value);

        var page = await partner.Browser.GetPageAsync(EarningsPage.Path);

        Assert.Contains("<h2 id=\"agreement-title\">Program agreement</h2>", page, StringComparison.Ordinal);
        Assert.Contains("<h3>Program terms &lt;2027&gt;</h3>", page, StringComparison.Ordinal);
        Assert.Contains("<div class=\"agreement\">Commission is paid monthly.&#xA;No brand bidding: &lt;b&gt;never&lt;/b&gt;.</div>", page, StringComparison.Ordinal);
        Assert.Contains($"<form method=\"post\" action=\"/portal/agreements/{latest}/acceptance\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("The first terms.", page, StringComparison.Ordinal);

        var accepted = await partner.Browser.PostFormAsync($"/portal/agreements/{latest}/acceptance", new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page) });

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal($"/portal/earnings?accepted={latest}#agreement-title", accepted.Headers.Location?.OriginalString);
        Assert.Contains((partner.PartnerId, latest), factory.Attribution.Acceptances);
        var after = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(accepted.Headers.Location!.OriginalString.Split('#')[0]));
        Assert.Contains("<p class=\"notice\" role=\"status\">You accepted version 2 of “Program terms <2027>”.</p>", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earnings_AcceptFormWithoutItsToken_Is400AndAcceptsNothing()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var latest = FakeAttribution.LatestAgreementOf(factory.Attribution.ProgramOf(partner.PartnerId)!.Value);

        var response = await partner.Browser.PostFormAsync($"/portal/agreements/{latest}/acceptance", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(factory.Attribution.Acceptances, acceptance => acceptance.PartnerId == partner.PartnerId);
    }

    [Fact]
    public async Task Earnings_AcceptingAnAgreementAttributionRefuses_SaysItWasNotRecorded()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var page = await partner.Browser.GetPageAsync(EarningsPage.Path);
        var unknown = Guid.NewGuid();

        var response = await partner.Browser.PostFormAsync($"/portal/agreements/{unknown}/acceptance", new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page) });

        Assert.Equal($"/portal/earnings?notAccepted={unknown}#agreement-title", response.Headers.Location?.OriginalString);
        Assert.Contains(EarningsPage.NotAcceptedMessage, await partner.Browser.GetPageAsync($"/portal/earnings?notAccepted={unknown}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Earnings_OfAPartnerWithoutProgram_HasNoAgreementSection()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Attribution.WithoutProgram[partner.PartnerId] = true;

        var html = await partner.Browser.GetPageAsync(EarningsPage.Path);

        Assert.DoesNotContain("agreement-title", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"ledger-title\">Your ledger</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_ShowsTheClicksSummary_AndEachLinkWithItsCodeTrackingUrlAndTarget_Encoded()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var code = FakeAttribution.CodeOf(partner.PartnerId);

        var html = await partner.Browser.GetPageAsync(LinksPage.Path);

        Assert.Contains("<h1>Links &amp; codes</h1>", html, StringComparison.Ordinal);
        Assert.Contains(
            "<div><dt>Clicks</dt><dd>1,249</dd></div><div><dt>Unique visitors</dt><dd>1,100</dd></div>"
            + "<div><dt>Duplicate clicks collapsed</dt><dd>17</dd></div><div><dt>Paid-traffic clicks</dt><dd>3</dd></div>"
            + "<div><dt>Last click</dt><dd>2026-12-05 10:15</dd></div>",
            html,
            StringComparison.Ordinal);
        Assert.Contains($"<tr><th scope=\"row\" class=\"nowrap\">{code}</th><td class=\"text nowrap\"><a href=\"http://localhost/r/{code}\">http://localhost/r/{code}</a></td>", html, StringComparison.Ordinal);
        Assert.Contains(
            "<td class=\"url\">https://shop.example/spring?utm_source=partner&amp;x=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>"
            + "<td class=\"nowrap\">Active</td><td class=\"nowrap\">2026-11-20</td>",
            html,
            StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/portal/links?after={FakeAttribution.SecondPage}\">Next links</a>", html, StringComparison.Ordinal);

        var next = await partner.Browser.GetPageAsync($"{LinksPage.Path}?after={FakeAttribution.SecondPage}");

        Assert.Contains($"<tr><th scope=\"row\" class=\"nowrap\">{code}-old</th>", next, StringComparison.Ordinal);
        Assert.Contains("<td class=\"nowrap\">Switched off</td>", next, StringComparison.Ordinal);
        var request = factory.Attribution.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path == "/api/attribution/me/links");
        Assert.Equal("?after=c2", request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner, ResourceNames.AttributionApi);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task Pages_WhenAttributionFails_SayTheirDataIsUnavailable(HttpStatusCode failure)
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Attribution.FailWith = failure;
        try
        {
            var earnings = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(EarningsPage.Path));
            var links = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(LinksPage.Path));

            Assert.Contains(EarningsPage.UnavailableMessage, earnings, StringComparison.Ordinal);
            Assert.Contains(EarningsPage.AgreementUnavailableMessage, earnings, StringComparison.Ordinal);
            Assert.Contains(LinksPage.UnavailableMessage, links, StringComparison.Ordinal);
            Assert.DoesNotContain("<table", earnings + links, StringComparison.Ordinal);
        }
        finally
        {
            factory.Attribution.FailWith = null;
        }
    }

    [Theory]
    [InlineData("/portal/earnings")]
    [InlineData("/portal/links")]
    public async Task Pages_HaveThePortalsSecurityHeaders_AndEverySignedInPageLinksToThem(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(path);
        var dashboard = await partner.Browser.GetPageAsync("/portal/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        foreach (var html in new[] { dashboard, await response.Content.ReadAsStringAsync(Ct) })
        {
            Assert.Contains("<a href=\"/portal/earnings\">Earnings</a><a href=\"/portal/links\">Links &amp; codes</a>", html, StringComparison.Ordinal);
            Assert.Contains("<a href=\"/portal/webhooks\">Webhooks</a>", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/portal/earnings")]
    [InlineData("/portal/links")]
    public async Task Pages_WithoutSession_RedirectToSignInAndNeverAskAttribution(string path)
    {
        var before = factory.Attribution.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/portal/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, factory.Attribution.Requests.Count);
    }

    [Fact]
    public async Task Pages_WithAServiceTokenInsteadOfASession_AreRefused()
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Partner).GetAsync(EarningsPage.Path, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Your ledger", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
