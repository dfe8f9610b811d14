using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>
/// Extreme but valid dates and durations, in every surveys input that takes one: a 400 problem naming the field, never a
/// 500, and nothing written (the bound is 2000-01-01 to 2999-12-31 UTC, <c>DateBounds</c>).
/// </summary>
public sealed class DateBoundsTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private static readonly Guid Partner = Guid.NewGuid();

    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/surveys/insights?to=9999-12-31", "to")]
    [InlineData("/api/surveys/insights?from=0001-01-01", "from")]
    [InlineData("/api/surveys/insights?from=0001-01-01&to=9999-12-31&interval=week", "from")]
    [InlineData("/api/surveys/insights?from=2026-02-01&to=2026-01-31", "to")]
    [InlineData("/api/surveys/responses?to=9999-12-31", "to")]
    [InlineData("/api/surveys/responses?from=0001-01-01", "from")]
    [InlineData("/api/surveys/responses?q=late&from=2026-02-01&to=2026-01-31", "to")]
    [InlineData("/api/surveys/responses/export?to=9999-12-31", "to")]
    [InlineData("/api/surveys/responses/export?from=0001-01-01", "from")]
    [InlineData("/api/surveys/responses/export?from=2026-02-01&to=2026-01-31", "to")]
    public async Task AdminInsightsSearchAndExport_DateOutOfBoundsOrReversed_Return400NamingTheField(string url, string field)
    {
        var response = await _client.Admin.GetAsync(url, Ct);

        await ShouldNameAsync(response, field);
    }

    [Theory]
    [InlineData("to=9999-12-31", "to")]
    [InlineData("from=9999-12-31", "from")]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("from=0001-01-01&to=0001-01-07", "from")]
    [InlineData("from=2026-03-01&to=2026-01-31", "to")]
    [InlineData("from=2026-12-08&to=2026-12-07", "to")] // one week (Monday to Sunday): reversed before it widens to whole weeks
    [InlineData("from=2026-12-13&to=2026-12-07", "to")]
    public async Task PartnerInsights_DateOutOfBoundsOrReversed_Return400NamingTheField(string query, string field)
    {
        using var partner = factory.CreatePartnerClient(Partner);

        await ShouldNameAsync(await partner.GetAsync($"/api/surveys/partner-insights?{query}", Ct), field);
        await ShouldNameAsync(await _client.Admin.GetAsync($"/api/surveys/partner-insights?partnerId={Partner}&{query}", Ct), field);
    }

    [Fact]
    public async Task PartnerInsights_AdminNamingTheNilPartner_Returns400NamingPartnerId()
    {
        var response = await _client.Admin.GetAsync($"/api/surveys/partner-insights?partnerId={Guid.Empty}", Ct);

        await ShouldNameAsync(response, "partnerId");
    }

    [Fact]
    public async Task InsightsSearchAndExport_AtTheBounds_Answer200()
    {
        // A range is at most 400 days: the first and the last year of the bounds.
        foreach (var range in new[] { "from=2000-01-01&to=2000-12-31", "from=2999-01-01&to=2999-12-31", "to=2999-12-31", "from=2000-01-01" })
        {
            await (await _client.Admin.GetAsync($"/api/surveys/insights?{range}&interval=week", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            await (await _client.Admin.GetAsync($"/api/surveys/responses?{range}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, (await _client.Admin.GetAsync($"/api/surveys/responses/export?{range}", Ct)).StatusCode);
        }

        using var partner = factory.CreatePartnerClient(Partner);
        await (await partner.GetAsync("/api/surveys/partner-insights?from=2000-01-01&to=2000-12-31", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await partner.GetAsync("/api/surveys/partner-insights?from=2999-12-01&to=2999-12-31", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("startsAt", "0001-01-01T00:00:00+00:00", "startsAt")]
    [InlineData("endsAt", "9999-12-31T23:59:59.9999999+00:00", "endsAt")]
    [InlineData("endsAt", "9999-12-31T00:00:00+00:00", "endsAt")]
    [InlineData("startsAt", "1999-12-31T23:59:59+00:00", "startsAt")]
    public async Task SurveySchedule_OutOfBounds_Returns400NamingTheField_OnCreateAndUpdate(string property, string value, string field)
    {
        var name = $"Schedule {Guid.NewGuid():N}";
        var definition = SurveysClient.NpsSurvey();
        definition["name"] = name;
        definition[property] = value;

        await ShouldNameAsync(await _client.Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct), field);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Surveys.CountAsync(survey => survey.Name == name, Ct)));

        var created = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());
        var id = created["id"]!.GetValue<Guid>();
        await ShouldNameAsync(await _client.Admin.PutAsJsonAsync($"/api/surveys/surveys/{id}", definition, Ct), field);
        var stored = await (await _client.Admin.GetAsync($"/api/surveys/surveys/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Null(stored[property]);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("+10000-01-01T00:00:00Z")]
    public async Task SurveySchedule_BeyondWhatATimeCanHold_Returns400(string value)
    {
        var definition = SurveysClient.NpsSurvey();
        definition["startsAt"] = value;

        await (await _client.Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SurveySchedule_EndingBeforeItStarts_Returns400()
    {
        var definition = SurveysClient.NpsSurvey();
        definition["startsAt"] = "2027-02-01T00:00:00Z";
        definition["endsAt"] = "2027-01-01T00:00:00Z";

        await ShouldNameAsync(await _client.Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct), "endsAt");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    [InlineData(60 * 24 + 1)]
    public async Task EmailLinkExpiry_OutOfRange_Returns400NamingTheField_AndIssuesNothing(int hours)
    {
        var survey = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey(touchpoints: new JsonArray("email")));
        var id = survey["id"]!.GetValue<Guid>();

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links",
            new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["expiresInHours"] = hours }, Ct);

        await ShouldNameAsync(response, "expiresInHours");
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Impressions.CountAsync(row => row.SurveyId == id, Ct)));
    }

    /// <summary>A 400 validation problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.True(problem["errors"]?[field] is not null, $"No error for '{field}': {problem.ToJsonString()}");
    }

    public void Dispose() => _client.Dispose();
}
