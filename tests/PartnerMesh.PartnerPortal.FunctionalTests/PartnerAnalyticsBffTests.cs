using System.Net;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The partner-scoped analytics reads through the portal's BFF (segments, scorecard, KPI report, campaigns), with
/// analytics-api replaced by <see cref="FakeAnalytics"/>, which, like analytics, answers a token only for its partner.
/// </summary>
public class PartnerAnalyticsBffTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Calls => new()
    {
        "/portal/api/segments",
        "/portal/api/scorecard",
        "/portal/api/kpi-report",
        "/portal/api/campaigns",
        $"/portal/api/campaigns/{Guid.NewGuid()}",
    };

    [Fact]
    public async Task Segments_WithSession_PassesOnAnalyticsAnswerForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/segments");

        var report = await response.ShouldBeAsync<SegmentReport>(HttpStatusCode.OK);
        Assert.Equal(partner.PartnerId, report.PartnerId);
        Assert.Equal(5, report.AnonymityThreshold);
        Assert.Equal(
            new SegmentCount[] { new("first_time_buyers", 12, false), new("frequent_buyers", 7, false), new("high_cart_abandoners", null, true), new("lapsed_customers", 0, false) },
            report.Segments);
        var request = factory.Analytics.Requests.Last(r => r.Path == AnalyticsClient.SegmentsPath && r.PartnerId == partner.PartnerId);
        Assert.Equal("", request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task Segments_NamingAnotherPartner_StillAnswersOnlyForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        factory.Analytics.Segments[other] = FakeSegments.Canned(other, firstTimeBuyers: 999);

        var report = await (await partner.Browser.GetAsync($"/portal/api/segments?partnerId={other}&partner_id={other}"))
            .ShouldBeAsync<SegmentReport>(HttpStatusCode.OK);

        Assert.Equal(partner.PartnerId, report.PartnerId);
        Assert.Equal(12, report.Segments[0].Customers);
        AssertNeverAskedFor(other);
    }

    [Fact]
    public async Task Scorecard_WithSession_PassesOnTheRangeAndAnalyticsAnswerForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.Scorecards[partner.PartnerId] = FakeScorecards.Canned(
            partner.PartnerId, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), FakeScorecards.Comparison());

        var response = await partner.Browser.GetAsync("/portal/api/scorecard?from=2026-11-01&to=2026-11-30&partnershipStart=2026-10-01&windowDays=30");

        var scorecard = await response.ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        Assert.Equal(partner.PartnerId, scorecard.PartnerId);
        Assert.Equal(new DateOnly(2026, 11, 1), scorecard.From);
        Assert.Equal(2400, scorecard.Kpis.Sessions);
        Assert.Equal(0.015m, scorecard.Comparison?.ConversionLift);
        Assert.Equal((9876.50m, null, null, true), (scorecard.ConcentrationFlags.Single().PartnerRevenue, scorecard.ConcentrationFlags.Single().TotalRevenue, scorecard.ConcentrationFlags.Single().RevenueShare, scorecard.ConcentrationFlags.Single().FiguresSuppressed));
        var request = factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path.EndsWith("/scorecard", StringComparison.Ordinal));
        Assert.Equal($"/api/analytics/partners/{partner.PartnerId}/scorecard", request.Path);
        Assert.Equal("?from=2026-11-01&to=2026-11-30&partnershipStart=2026-10-01&windowDays=30", request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task Scorecard_NamingAnotherPartner_StillAsksOnlyForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        factory.Analytics.Scorecards[other] = FakeScorecards.Canned(other, FakeScorecards.Today, FakeScorecards.Today, partnerName: "Someone Else");

        var scorecard = await (await partner.Browser.GetAsync($"/portal/api/scorecard?partnerId={other}&partner_id={other}&id={other}"))
            .ShouldBeAsync<Scorecard>(HttpStatusCode.OK);

        Assert.Equal(partner.PartnerId, scorecard.PartnerId);
        Assert.NotEqual("Someone Else", scorecard.PartnerName);
        AssertNeverAskedFor(other);
        Assert.Contains(factory.Analytics.Requests, r => r.Path == $"/api/analytics/partners/{partner.PartnerId}/scorecard" && r.Query == "");
    }

    [Fact]
    public async Task Scorecard_ForTwoPartners_EachSessionGetsItsOwnScorecardAndToken()
    {
        var first = await factory.SignInNewPartnerAsync("First Partner");
        var second = await factory.SignInNewPartnerAsync("Second Partner");
        factory.Analytics.Scorecards[first.PartnerId] = FakeScorecards.Canned(first.PartnerId, FakeScorecards.Today, FakeScorecards.Today, partnerName: "First Partner");
        factory.Analytics.Scorecards[second.PartnerId] = FakeScorecards.Canned(second.PartnerId, FakeScorecards.Today, FakeScorecards.Today, partnerName: "Second Partner");

        var firstScorecard = await (await first.Browser.GetAsync("/portal/api/scorecard")).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);
        var secondScorecard = await (await second.Browser.GetAsync("/portal/api/scorecard")).ShouldBeAsync<Scorecard>(HttpStatusCode.OK);

        Assert.Equal((first.PartnerId, "First Partner"), (firstScorecard.PartnerId, firstScorecard.PartnerName));
        Assert.Equal((second.PartnerId, "Second Partner"), (secondScorecard.PartnerId, secondScorecard.PartnerName));
        await factory.AssertPartnerTokenAsync(factory.Analytics.Requests.Last(r => r.PartnerId == first.PartnerId).Authorization, first);
        await factory.AssertPartnerTokenAsync(factory.Analytics.Requests.Last(r => r.PartnerId == second.PartnerId).Authorization, second);
    }

    [Theory]
    [InlineData("from=not-a-date", "from")]
    [InlineData("windowDays=0", "windowDays")]
    [InlineData("partnershipStart=2026-02-30", "partnershipStart")]
    public async Task Scorecard_WithABadParameter_PassesOnAnalytics400Problem(string query, string field)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/scorecard?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
        Assert.Contains(factory.Analytics.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?" + query);
    }

    [Fact]
    public async Task KpiReport_ByCampaign_AsksForTheSessionsPartnerPairedWithCampaign()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpi-report?from=2026-11-01&to=2026-11-30&granularity=hour&by=campaign&value=black-friday");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = factory.Analytics.Requests.Last(r => r.Path == AnalyticsClient.KpiReportPath && r.PartnerId == partner.PartnerId);
        Assert.Equal(
            $"?from=2026-11-01&to=2026-11-30&granularity=hour&dimensions=partner%2Ccampaign&value={partner.PartnerId}&value2=black-friday",
            request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner);
    }

    [Fact]
    public async Task KpiReport_NamingAnotherPartnerOrDimension_AsksOnlyForTheSessionsPartnerRows()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");

        var response = await partner.Browser.GetAsync($"/portal/api/kpi-report?partnerId={other}&dimension=all&dimensions=campaign&value2={other}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            $"?dimension=partner&value={partner.PartnerId}",
            factory.Analytics.Requests.Last(r => r.Path == AnalyticsClient.KpiReportPath && r.PartnerId == partner.PartnerId).Query);
        AssertNeverAskedFor(other);
    }

    [Fact]
    public async Task KpiReport_AsCsv_PassesOnTheDownload()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpi-report?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("kpis-partner-day.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains($",partner,{partner.PartnerId}", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KpiReport_WithBadRange_PassesOnAnalytics400Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/kpi-report?from=yesterday");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Campaigns_ListAndOwnCampaign_AreAnalyticsAnswerForTheSessionsPartner_AnotherPartnersIs404()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        var own = FakeAnalytics.CampaignOf(partner.PartnerId);

        var list = await partner.Browser.GetAsync("/portal/api/campaigns?from=2026-11-01&limit=10&partnerId=" + other);
        var mine = await partner.Browser.GetAsync($"/portal/api/campaigns/{own}");
        var theirs = await partner.Browser.GetAsync($"/portal/api/campaigns/{FakeAnalytics.CampaignOf(other)}");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct));
        Assert.Equal(own, page.RootElement.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Contains(factory.Analytics.Requests, r => r.PartnerId == partner.PartnerId && r.Path == AnalyticsClient.CampaignsPath && r.Query == "?from=2026-11-01&limit=10");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        await theirs.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await factory.AssertPartnerTokenAsync(factory.Analytics.Requests.Last(r => r.PartnerId == partner.PartnerId).Authorization, partner);
    }

    [Fact]
    public async Task Campaigns_WithBadLimit_PassesOnAnalytics400Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/campaigns?limit=0");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WithoutSession_Returns401AndNeverCallsAnalytics(string path)
    {
        var before = factory.Analytics.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, factory.Analytics.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WithAPartnerServiceTokenInsteadOfASession_Returns401(string path)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Partner).GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/portal/api/segments")]
    [InlineData("/portal/api/scorecard")]
    [InlineData("/portal/api/kpi-report")]
    [InlineData("/portal/api/campaigns")]
    public async Task Call_WhenAnalyticsFails_Returns503Problem(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Analytics.FailWith = HttpStatusCode.InternalServerError;
        try
        {
            var response = await partner.Browser.GetAsync(path);

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Analytics.FailWith = null;
        }
    }

    private void AssertNeverAskedFor(Guid other) =>
        Assert.DoesNotContain(factory.Analytics.Requests, r =>
            r.PartnerId == other || r.Path.Contains(other.ToString(), StringComparison.Ordinal) || r.Query.Contains(other.ToString(), StringComparison.Ordinal));
}
