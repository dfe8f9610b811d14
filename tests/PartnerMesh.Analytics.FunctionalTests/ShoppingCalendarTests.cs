using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class ShoppingCalendarTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task Calendar_ListsKeyDays_WithTheCampaignsRunningOnThem()
    {
        var weekend = await CreateAsync("Black weekend", new DateOnly(2031, 11, 28), new DateOnly(2031, 12, 1), ["20% off everything"], new() { ["revenue"] = 50000 });
        var advent = await CreateAsync("Advent", new DateOnly(2031, 12, 1), new DateOnly(2031, 12, 24), ["free gift wrap"], new() { ["orders"] = 900 });
        var later = await CreateAsync("January sale", new DateOnly(2032, 1, 2), new DateOnly(2032, 1, 10), [], []);

        var calendar = await (await Admin.GetAsync("/api/analytics/calendar?from=2031-11-01&to=2031-12-31", Ct)).ShouldBeAsync<ShoppingCalendarResponse>(HttpStatusCode.OK);

        Assert.Equal((new DateOnly(2031, 11, 1), new DateOnly(2031, 12, 31)), (calendar.From, calendar.To));
        Assert.Equal(
            [
                ("singles-day", new DateOnly(2031, 11, 11)), ("black-friday", new DateOnly(2031, 11, 28)), ("cyber-monday", new DateOnly(2031, 12, 1)),
                ("christmas-eve", new DateOnly(2031, 12, 24)), ("boxing-day", new DateOnly(2031, 12, 26)),
            ],
            calendar.Days.Select(day => (day.Key, day.Date)));
        Assert.Empty(Day(calendar, "singles-day").Campaigns);
        var blackFriday = Assert.Single(Day(calendar, "black-friday").Campaigns);
        Assert.Equal((weekend.Id, "20% off everything", 50000m), (blackFriday.Id, Assert.Single(blackFriday.Incentives), blackFriday.Targets["revenue"]));
        Assert.Equal([weekend.Id, advent.Id], Day(calendar, "cyber-monday").Campaigns.Select(c => c.Id));
        Assert.Equal([advent.Id], Day(calendar, "christmas-eve").Campaigns.Select(c => c.Id));
        Assert.Empty(Day(calendar, "boxing-day").Campaigns);
        Assert.Equal([weekend.Id, advent.Id], calendar.Campaigns.Select(c => c.Id));
        Assert.DoesNotContain(later.Id, calendar.Campaigns.Select(c => c.Id));
    }

    [Theory]
    [InlineData("from=2031-12-31&to=2031-01-01", "from")]
    [InlineData("from=2030-01-01&to=2031-12-31", "to")]
    [InlineData("from=31.12.2031", "from")]
    [InlineData("to=2031-02-30", "to")]
    [InlineData("from=1500-01-01&to=1500-02-01", "from")]
    public async Task Calendar_WithBadRange_Returns400ProblemNamingTheParameter(string query, string parameter)
    {
        var problem = await (await Admin.GetAsync("/api/analytics/calendar?" + query, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(parameter, ((System.Text.Json.JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Calendar_WithoutRange_CoversAYearFromToday_AndIsForAdminsOnly()
    {
        var calendar = await (await Admin.GetAsync("/api/analytics/calendar", Ct)).ShouldBeAsync<ShoppingCalendarResponse>(HttpStatusCode.OK);
        var partner = await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync("/api/analytics/calendar", Ct);

        Assert.Equal(365, calendar.To.DayNumber - calendar.From.DayNumber);
        Assert.Equal(8, calendar.Days.Select(day => day.Key).Distinct().Count());
        Assert.Equal(HttpStatusCode.Forbidden, partner.StatusCode);
    }

    private static CalendarDay Day(ShoppingCalendarResponse calendar, string key) => Assert.Single(calendar.Days, day => day.Key == key);

    private async Task<CampaignResponse> CreateAsync(string name, DateOnly starts, DateOnly ends, string[] incentives, Dictionary<string, decimal> targets)
    {
        var request = new SaveCampaignRequest(name, $"cal-{Guid.NewGuid():N}", starts, ends, null, incentives, targets, "EUR");
        return await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", request, Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
    }
}
