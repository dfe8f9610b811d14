using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PartnerMesh.PartnerPortal.Api.Surveys;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>The survey insights page (<c>/portal/surveys</c>) and its BFF call, with surveys-api replaced by <see cref="FakeSurveys"/>.</summary>
public class SurveyInsightsPageTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_ShowsCountsScoresWithIntervalsReasonsAndWeeks_AndASuppressedWeekAsSuch()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var text = WebUtility.HtmlDecode(await partner.Browser.GetPageAsync(SurveyInsightsPage.Path));

        Assert.Contains("<h2 id=\"survey-" + FakeSurveys.ExitSurveyId.ToString("N") + "\">Why are you leaving?</h2>", text, StringComparison.Ordinal);
        Assert.Contains("<div><dt>Shown</dt><dd>12</dd></div><div><dt>Responses</dt><dd>7</dd></div>", text, StringComparison.Ordinal);
        Assert.Contains("<dd>+14 (-48 to +76)</dd>", text, StringComparison.Ordinal);
        Assert.Contains("<dd>3.9 of 5 (3.1 to 4.6)</dd>", text, StringComparison.Ordinal);
        Assert.Contains("<dd>71 % (36 % to 92 %)</dd>", text, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">2026-11-23</th><td>12</td><td>7</td><td>+14 (-48 to +76)</td><td>3.9 of 5 (3.1 to 4.6)</td></tr>", text, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">2026-11-30</th><td colspan=\"4\" class=\"suppressed\">" + SurveyInsightsPage.Suppressed(5) + "</td></tr>", text, StringComparison.Ordinal);
        Assert.Contains("Fewer than 5 responses: not shown, to protect shoppers' privacy", text, StringComparison.Ordinal);
        // Reasons, most given first; a reason hidden in every week it was given is shown as such, not as a number.
        Assert.Contains("<tr><th scope=\"row\">Found a better price</th><td>6</td></tr><tr><th scope=\"row\">Extra costs too high</th><td>5</td></tr>"
            + "<tr><th scope=\"row\">Delivery too slow</th><td class=\"suppressed\">" + SurveyInsightsPage.Suppressed(5) + "</td></tr>", text, StringComparison.Ordinal);
        // The newest week first.
        Assert.True(text.IndexOf("2026-11-30</th>", StringComparison.Ordinal) < text.IndexOf("2026-11-23</th>", StringComparison.Ordinal));
        Assert.Contains(SurveyInsightsPage.Explanation(5), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_HasThePortalsSecurityHeadersAndTheDashboardLinksToIt()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(SurveyInsightsPage.Path);
        var dashboard = await partner.Browser.GetPageAsync("/portal/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Contains("<a href=\"/portal/surveys\">Survey insights</a>", dashboard, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/portal/\">Dashboard</a>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_AsksSurveysForTheSessionsPartnerOnly_WithAPartnerTokenForSurveys()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        await partner.Browser.GetPageAsync($"{SurveyInsightsPage.Path}?weeks=4&partnerId={other}&partner_id={other}");

        var request = factory.Surveys.Requests.Last(r => r.PartnerId == partner.PartnerId);
        Assert.Equal($"?from={today.AddDays(-21):yyyy-MM-dd}&to={today:yyyy-MM-dd}", request.Query);
        Assert.DoesNotContain(factory.Surveys.Requests, r => r.PartnerId == other || r.Query.Contains(other.ToString(), StringComparison.Ordinal));
        await AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task Page_ForTwoPartners_EachSeesOnlyItsOwnReport()
    {
        var first = await factory.SignInNewPartnerAsync("First");
        var second = await factory.SignInNewPartnerAsync("Second");
        factory.Surveys.Reports[first.PartnerId] = FakeSurveys.Canned(first.PartnerId, "First partner's survey");
        factory.Surveys.Reports[second.PartnerId] = FakeSurveys.Canned(second.PartnerId, "Second partner's survey");

        var firstPage = WebUtility.HtmlDecode(await first.Browser.GetPageAsync(SurveyInsightsPage.Path));
        var secondPage = WebUtility.HtmlDecode(await second.Browser.GetPageAsync(SurveyInsightsPage.Path));

        Assert.Contains("First partner's survey", firstPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Second partner's survey", firstPage, StringComparison.Ordinal);
        Assert.Contains("Second partner's survey", secondPage, StringComparison.Ordinal);
        Assert.DoesNotContain("First partner's survey", secondPage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("54")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("")]
    public async Task Page_WithBadWeeks_Returns400PageAndNeverAsksSurveys(string weeks)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync($"{SurveyInsightsPage.Path}?weeks={Uri.EscapeDataString(weeks)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(SurveyInsightsPage.WeeksMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Surveys.Requests, r => r.PartnerId == partner.PartnerId);
    }

    [Fact]
    public async Task Page_WithoutSession_RedirectsToSignInAndNeverAsksSurveys()
    {
        var before = factory.Surveys.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync(SurveyInsightsPage.Path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/portal/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, factory.Surveys.Requests.Count);
    }

    [Theory]
    [InlineData(PartnerMeshScopes.Admin)]
    [InlineData(PartnerMeshScopes.Partner)]
    public async Task Page_WithAServiceTokenInsteadOfASession_IsRefused(string scope)
    {
        var response = await factory.CreateClientWithScopes(scope).GetAsync(SurveyInsightsPage.Path, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Survey insights</h1>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task Page_WhenSurveysFails_ShowsAFriendlyMessage(HttpStatusCode failure)
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Surveys.FailWith = failure;
        try
        {
            var html = await partner.Browser.GetPageAsync(SurveyInsightsPage.Path);

            Assert.Contains(SurveyInsightsPage.UnavailableMessage, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Surveys.FailWith = null;
        }
    }

    [Fact]
    public async Task Page_WhenSurveysAnswersWithoutAField_ShowsUnavailableRatherThanGuessing()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Surveys.Reports[partner.PartnerId] = new { partnerId = partner.PartnerId, minimumGroupSize = 5, bucket = "week", from = "2026-11-23", to = "2026-12-06" };

        var html = await partner.Browser.GetPageAsync(SurveyInsightsPage.Path);

        Assert.Contains(SurveyInsightsPage.UnavailableMessage, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_EncodesSurveyNames()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Surveys.Reports[partner.PartnerId] = FakeSurveys.Canned(partner.PartnerId, "<script>alert(1)</script>");

        var html = await partner.Browser.GetPageAsync(SurveyInsightsPage.Path);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithoutAnyCell_SaysSoWithoutATable()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Surveys.Reports[partner.PartnerId] = new
        {
            partnerId = partner.PartnerId, minimumGroupSize = 5, bucket = "week", from = "2026-09-14", to = "2026-12-06", by = (string?)null,
            cells = Array.Empty<object>(), totals = new { shown = 0, responses = 0, nps = (object?)null, csat = (object?)null }, surveys = Array.Empty<object>(),
        };

        var html = await partner.Browser.GetPageAsync(SurveyInsightsPage.Path);

        Assert.Contains("No survey was shown to or answered by your shoppers in this period.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bff_PassesThroughSurveysAnswerForTheSessionsPartner_DroppingOtherParameters()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = Guid.NewGuid();

        var response = await partner.Browser.GetAsync($"/portal/api/survey-insights?from=2026-11-01&to=2026-11-30&by=touchpoint&partnerId={other}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(partner.PartnerId, json.RootElement.GetProperty("partnerId").GetGuid());
        var request = factory.Surveys.Requests.Last(r => r.PartnerId == partner.PartnerId);
        Assert.Equal("?from=2026-11-01&to=2026-11-30&by=touchpoint", request.Query);
        await AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task Bff_WithABadRange_PassesThroughSurveys400Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/survey-insights?from=not-a-date");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bff_WithQueryInjection_IsEscaped()
    {
        var partner = await factory.SignInNewPartnerAsync();

        await partner.Browser.GetAsync($"/portal/api/survey-insights?from={Uri.EscapeDataString("2026-01-01&partnerId=x")}");

        Assert.Contains(factory.Surveys.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?from=2026-01-01%26partnerId%3Dx");
    }

    [Fact]
    public async Task Bff_WhenSurveysFails_Returns503Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Surveys.FailWith = HttpStatusCode.InternalServerError;
        try
        {
            var response = await partner.Browser.GetAsync("/portal/api/survey-insights");

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Surveys.FailWith = null;
        }
    }

    [Fact]
    public async Task Bff_WithoutSession_Returns401AndNeverAsksSurveys()
    {
        var before = factory.Surveys.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync("/portal/api/survey-insights");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, factory.Surveys.Requests.Count);
    }

    private async Task AssertPartnerTokenAsync(string authorization, SignedInPartner partner)
    {
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = ServiceTokenIssuers.PartnerPortal,
            ValidAudience = ResourceNames.SurveysApi,
            IssuerSigningKey = ServiceTokenKeys.PublicKey(factory.Tokens.PublicKeyOf(ServiceTokenIssuers.PartnerPortal)),
            ValidAlgorithms = [ServiceTokenKeys.Algorithm],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var claims = validation.ClaimsIdentity.Claims.ToList();
        Assert.Equal($"portal-user:{partner.AccountId}", claims.Single(c => c.Type == "sub").Value);
        Assert.Equal([PartnerMeshScopes.Partner], claims.Where(c => c.Type == PartnerMeshClaims.Scope).Select(c => c.Value));
        Assert.Equal(partner.PartnerId.ToString(), claims.Single(c => c.Type == PartnerMeshClaims.PartnerId).Value);
    }
}

public class SurveysUnreachableTests(UnreachableSurveysPortalFactory factory) : IClassFixture<UnreachableSurveysPortalFactory>
{
    [Fact]
    public async Task Page_WhenSurveysIsDown_ShowsAFriendlyMessageNotAnError()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var html = await partner.Browser.GetPageAsync(SurveyInsightsPage.Path);

        Assert.Contains(SurveyInsightsPage.UnavailableMessage, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bff_WhenSurveysIsDown_Returns503Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        await (await partner.Browser.GetAsync("/portal/api/survey-insights")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
    }
}

/// <summary>The page's pure formatting and parsing.</summary>
public class SurveyInsightsFormattingTests
{
    [Theory]
    [InlineData(14.29, -47.6, 76.2, "+14 (-48 to +76)")]
    [InlineData(-0.4, -30.2, 29.4, "0 (-30 to +29)")]
    [InlineData(100, 100, 100, "+100 (+100 to +100)")]
    [InlineData(-100, -100, -85.5, "-100 (-100 to -86)")]
    public void Nps_IsSignedWholeNumbersWithItsInterval(double score, double low, double high, string expected) =>
        Assert.Equal(expected, SurveyInsightsPage.Nps(new NpsInsight(10, 0, 0, 0, score, low, high)));

    [Fact]
    public void Scores_WithoutAFigure_AreADashNotZero()
    {
        Assert.Equal("—", SurveyInsightsPage.Nps(null));
        Assert.Equal("—", SurveyInsightsPage.Csat(null));
        Assert.Equal("—", SurveyInsightsPage.Satisfied(null));
    }

    [Fact]
    public void Csat_IsTheMeanOfFiveWithItsIntervalAndTheSatisfiedShare()
    {
        var csat = new CsatInsight(7, 3.857, 3.1, 4.61, new ShareInsight(5, 7, 0.714, 0.358, 0.918));

        Assert.Equal("3.9 of 5 (3.1 to 4.6)", SurveyInsightsPage.Csat(csat));
        Assert.Equal("71 % (36 % to 92 %)", SurveyInsightsPage.Satisfied(csat));
    }

    [Theory]
    [InlineData(null, 12)]
    [InlineData("1", 1)]
    [InlineData("53", 53)]
    [InlineData("0", null)]
    [InlineData("54", null)]
    [InlineData("+4", null)]
    [InlineData(" 4", null)]
    [InlineData("4e1", null)]
    [InlineData("", null)]
    public void Weeks_AreOneTo53WholeWeeks(string? weeks, int? expected) =>
        Assert.Equal(expected, SurveyInsightsEndpoints.ParseWeeks(weeks));
}
