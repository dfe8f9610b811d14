using System.Net;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>The scorecard page (<c>/portal/scorecard</c>): scorecard, before/after comparison and segments, from <see cref="FakeAnalytics"/>.</summary>
public class ScorecardPageTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_ShowsTheScorecardAndTheSegments_SuppressedFiguresAsSuch()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var html = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(ScorecardPage.Path));

        Assert.Contains("<h2 id=\"scorecard-title\">Your scorecard</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Sessions</dt><dd>2,400</dd></div><div><dt>Clicks</dt><dd>1,249</dd></div><div><dt>Orders</dt><dd>100</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Conversion rate</dt><dd>4.0 %</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Cart abandonment rate</dt><dd>40.0 %</dd></div><div><dt>Cart recovery rate</dt><dd>15.0 %</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Refund rate</dt><dd>4.0 %</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div><dt>Net promoter score</dt><dd><span class=\"suppressed\">{ScorecardPage.NpsSuppressed}</span></dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Revenue</dt><dd>EUR 9,876.50</dd></div><div><dt>Average order value</dt><dd>EUR 99.76</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Commission</dt><dd>EUR 987.65</dd></div><div><dt>Commission to revenue</dt><dd>10.0 % (EUR)</dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("Concentration risk: your orders made more of the shop's EUR revenue in the recent window than its threshold allows (EUR 9,876.50 from your orders; the shop's total is not shown to partners).", html, StringComparison.Ordinal);
        Assert.Contains(ScorecardPage.NoComparisonMessage, html, StringComparison.Ordinal);

        Assert.Contains("<h2 id=\"segments-title\">Your customers by segment</h2>", html, StringComparison.Ordinal);
        Assert.Contains(
            "<tr><th scope=\"row\">First-time buyers</th><td>12</td></tr><tr><th scope=\"row\">Frequent buyers</th><td>7</td></tr>"
            + $"<tr><th scope=\"row\">High cart abandoners</th><td class=\"suppressed\">{ScorecardPage.SegmentSuppressed(5)}</td></tr>"
            + "<tr><th scope=\"row\">Lapsed customers</th><td>0</td></tr>",
            html,
            StringComparison.Ordinal);
        Assert.Contains(ScorecardPage.SegmentsExplained(5), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithAComparison_ShowsBeforeAfterAndTheLift()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Scorecards[partner.PartnerId] = FakeScorecards.Canned(
            partner.PartnerId, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), FakeScorecards.Comparison());

        var html = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(ScorecardPage.Path));

        Assert.Contains("<h2 id=\"comparison-title\">Before and after your partnership</h2>", html, StringComparison.Ordinal);
        Assert.Contains("The whole shop's numbers in the 30 days before and the 30 days from 2026-10-01, the start of your partnership.", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Sessions</th><td>8,000</td><td>9,500</td><td>+1,500</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Conversion rate</th><td>2.5 %</td><td>4.0 %</td><td>+1.5 points</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr><th scope=\"row\">Cart recovery rate</th><td>20.0 %</td><td>15.0 %</td><td>{"−5.0 points"}</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ScorecardPage.NoComparisonMessage, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_PassesTheChosenRangeToAnalytics_ForTheSessionsPartnerOnly()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        factory.Analytics.Segments[other] = FakeSegments.Canned(other, firstTimeBuyers: 987_654);

        var html = await partner.Browser.GetPageAsync($"{ScorecardPage.Path}?from=2026-11-01&to=2026-11-30&partnerId={other}&partner_id={other}");

        var scorecard = factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path.EndsWith("/scorecard", StringComparison.Ordinal));
        Assert.Equal($"/api/analytics/partners/{partner.PartnerId}/scorecard", scorecard.Path);
        Assert.Equal("?from=2026-11-01&to=2026-11-30", scorecard.Query);
        var segments = factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path == AnalyticsClient.SegmentsPath);
        Assert.Equal("", segments.Query);
        await factory.AssertPartnerTokenAsync(scorecard.Authorization, partner);
        await factory.AssertPartnerTokenAsync(segments.Authorization, partner);
        Assert.DoesNotContain(factory.Analytics.Requests, r => r.PartnerId == other || r.Query.Contains(other.ToString(), StringComparison.Ordinal));
        // A number no random e-mail or id on the page can contain by chance (a bare "999" could, in a generated e-mail).
        Assert.DoesNotContain("987,654", html, StringComparison.Ordinal);
        Assert.DoesNotContain("987654", html, StringComparison.Ordinal);
        // The form shows the range the scorecard covers.
        Assert.Contains("<input id=\"from\" name=\"from\" type=\"date\" value=\"2026-11-01\">", html, StringComparison.Ordinal);
        Assert.Contains("<input id=\"to\" name=\"to\" type=\"date\" value=\"2026-11-30\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithEmptyDates_AsksForAnalyticsDefaultRange()
    {
        var partner = await factory.SignInNewPartnerAsync();

        await partner.Browser.GetPageAsync($"{ScorecardPage.Path}?from=&to=");

        Assert.Equal("", factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path.EndsWith("/scorecard", StringComparison.Ordinal)).Query);
    }

    [Fact]
    public async Task Page_WithABadRange_Is400WithAnalyticsMessage_AndStillShowsTheSegments()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync($"{ScorecardPage.Path}?from=2026-13-01&to=%3Cb%3E");
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<div class=\"alert\" role=\"alert\" id=\"range-error\"><ul>", html, StringComparison.Ordinal);
        Assert.Contains("<li>From: Use a date formatted yyyy-MM-dd.</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li>To: Use a date formatted yyyy-MM-dd.</li>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;b&gt;\" aria-describedby=\"range-error\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Your scorecard</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">First-time buyers</th><td>12</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_EncodesEveryValueFromAnalytics()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Segments[partner.PartnerId] = new
        {
            partnerId = partner.PartnerId,
            anonymityThreshold = 5,
            segments = new[] { new { segment = "<script>alert(1)</script>", customers = (long?)9, suppressed = false } },
        };

        var html = await partner.Browser.GetPageAsync(ScorecardPage.Path);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th><td>9</td>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task Page_WhenAnalyticsFails_SaysSoInEachSection(HttpStatusCode failure)
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.FailWith = failure;
        try
        {
            var html = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(ScorecardPage.Path));

            Assert.Contains(ScorecardPage.UnavailableMessage, html, StringComparison.Ordinal);
            Assert.Contains(ScorecardPage.SegmentsUnavailableMessage, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Analytics.FailWith = null;
        }
    }

    [Fact]
    public async Task Page_HasThePortalsSecurityHeadersAndEverySignedInPageLinksToIt()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(ScorecardPage.Path);
        var dashboard = await partner.Browser.GetPageAsync("/portal/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Contains("<a href=\"/portal/scorecard\">Scorecard</a>", dashboard, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/portal/scorecard\">Scorecard</a>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithoutSession_RedirectsToSignInAndNeverAsksAnalytics()
    {
        var before = factory.Analytics.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync(ScorecardPage.Path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/portal/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, factory.Analytics.Requests.Count);
    }

    [Fact]
    public async Task Page_WithAServiceTokenInsteadOfASession_IsRefused()
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Partner).GetAsync(ScorecardPage.Path, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Your scorecard</h2>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
