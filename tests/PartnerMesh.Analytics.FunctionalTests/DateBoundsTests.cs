using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Extreme but well-formed dates are a 400 problem naming the parameter, never a 500: every date analytics takes lies in
/// 1583-01-01 to 9998-12-31, so the arithmetic on it (a range's end plus a day, a window before a start) cannot overflow.
/// </summary>
public class DateBoundsTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private const string Partner = "00000000-0000-0000-0000-0000000000a1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Theory]
    [InlineData("kpis?from=9999-12-31&to=9999-12-31", "to")]
    [InlineData("kpis?to=0001-01-05", "to")]
    [InlineData("kpis?from=0001-01-01&to=0001-01-05", "from")]
    [InlineData("kpis?granularity=hour&to=9999-12-31", "to")]
    [InlineData("kpis?to=someday", "to")]
    [InlineData("partners/" + Partner + "/scorecard?partnershipStart=0001-01-01", "partnershipStart")]
    [InlineData("partners/" + Partner + "/scorecard?partnershipStart=9999-12-31", "partnershipStart")]
    [InlineData("partners/" + Partner + "/scorecard?to=0001-01-05", "to")]
    [InlineData("partners/" + Partner + "/scorecard?from=9999-12-31&to=9999-12-31", "to")]
    [InlineData("scorecards?to=0001-01-05", "to")]
    [InlineData("scorecards?from=9999-12-01&to=9999-12-31", "to")]
    [InlineData("calendar?from=9999-12-31", "from")]
    [InlineData("calendar?to=0001-01-01", "to")]
    [InlineData("campaigns?from=0001-01-01", "from")]
    [InlineData("partners/" + Partner + "/daily?to=9999-12-31", "to")]
    [InlineData("partners?day=9999-12-31", "day")]
    public async Task Get_WithADateOutsideTheBounds_Returns400ProblemNamingTheParameter(string path, string parameter)
    {
        var response = await Admin.GetAsync("/api/analytics/" + path, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetString());
        Assert.Contains(parameter, errors.Keys);
        if (path.Contains("someday", StringComparison.Ordinal))
        {
            Assert.Equal("Use a date formatted yyyy-MM-dd.", errors[parameter]);
        }
        else if (errors[parameter]!.StartsWith("Use a date", StringComparison.Ordinal))
        {
            Assert.Equal("Use a date from 1583-01-01 to 9998-12-31.", errors[parameter]);
        }
    }

    [Theory]
    [InlineData("kpis?from=9998-12-31&to=9998-12-31")]
    [InlineData("kpis?granularity=hour&from=1583-01-01&to=1583-01-01")]
    [InlineData("kpis?to=1583-01-05")]
    [InlineData("partners/" + Partner + "/scorecard?from=9998-12-31&to=9998-12-31&partnershipStart=9998-12-31")]
    [InlineData("partners/" + Partner + "/scorecard?to=1583-01-05&partnershipStart=1583-01-01")]
    [InlineData("calendar?from=9998-12-31")]
    [InlineData("calendar?to=1583-01-01")]
    public async Task Get_AtTheBounds_Answers200(string path)
    {
        // A known partner: one analytics never heard of is 404.
        await factory.PublishAsync(TestEvents.PartnerRegistered(Guid.Parse(Partner), "Bounds Partner"));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.Id == Guid.Parse(Partner), Ct)));

        var response = await Admin.GetAsync("/api/analytics/" + path, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task Campaign_DatedOutsideTheBounds_Is400_AndOneOnTheLastDay_Reports()
    {
        var late = new SaveCampaignRequest("Far future", $"far-{Guid.NewGuid():N}", new DateOnly(9999, 12, 31), new DateOnly(9999, 12, 31), null, null, null, null);
        var problem = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", late, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["endsOn", "startsOn"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name).Order());

        var last = late with { StartsOn = new DateOnly(9998, 12, 31), EndsOn = new DateOnly(9998, 12, 31) };
        var created = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", last, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var moved = await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{created.Id}", last with { StartsOn = new DateOnly(1, 1, 1) }, Ct);
        await moved.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var report = await (await Admin.GetAsync($"/api/analytics/campaigns/{created.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);
        Assert.Equal(("upcoming", new DateOnly(9998, 12, 31)), (report.Campaign.Status, report.To));
        var calendar = await (await Admin.GetAsync("/api/analytics/calendar?from=9998-12-01&to=9998-12-31", Ct)).ShouldBeAsync<ShoppingCalendarResponse>(HttpStatusCode.OK);
        Assert.Contains(created.Id, calendar.Campaigns.Select(c => c.Id));
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    public async Task Ingest_AnEventAtTheEdgeOfTime_IsRejected_Not500(string occurredAt)
    {
        var e = Behaviour.Event(EventTypes.PageView, DateTimeOffset.UtcNow);
        e["occurredAt"] = occurredAt;

        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).PostAsync([e], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Single(((JsonElement)problem.Extensions["rejections"]!).EnumerateArray());
    }
}
