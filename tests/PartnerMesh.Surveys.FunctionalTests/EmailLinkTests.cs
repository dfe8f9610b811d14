using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

public sealed class EmailLinkTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailLink_OpensAndTakesOneResponse_ThenIsUsed()
    {
        var (surveyId, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();

        var opened = await (await _client.Storefront.GetAsync($"/api/surveys/email-links/{token}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var answered = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);
        var reused = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(2) }, Ct);
        var reopened = await _client.Storefront.GetAsync($"/api/surveys/email-links/{token}", Ct);

        Assert.Equal(surveyId, opened["surveyId"]!.GetValue<Guid>());
        var response = await answered.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("email", response["touchpoint"]!.GetValue<string>());
        Assert.StartsWith("order-", response["orderId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("link-used", (await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]!.ToString());
        await reopened.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SameOrder_GetsTheSameLink()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var id = survey["id"]!.GetValue<Guid>();
        var order = new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["customerId"] = $"c-{Guid.NewGuid():N}" };

        var first = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links", order.DeepClone(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first["token"]!.GetValue<string>(), second["token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("tampered")]
    [InlineData("resigned")]
    public async Task TamperedLink_Returns400_AndStoresNothing(string kind)
    {
        var (_, link) = await IssueAsync();
        var token = link["token"]!.GetValue<string>();
        var parts = token.Split('.');
        var bad = kind switch
        {
            "tampered" => $"{parts[0][..^2]}{(parts[0][^2] == 'A' ? 'B' : 'A')}{parts[0][^1]}.{parts[1]}",
            "resigned" => $"{parts[0]}.{parts[1][..^1]}{(parts[1][^1] == 'A' ? 'B' : 'A')}",
            _ => kind,
        };

        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{bad}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);

        Assert.Equal("link-invalid", (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Extensions["reason"]!.ToString());
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{token}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ExpiredLink_Returns410()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var link = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{survey["id"]}/email-links",
            new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["expiresInHours"] = 1 }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        factory.Clock.Advance(TimeSpan.FromHours(2));
        var response = await _client.Storefront.PostAsJsonAsync($"/api/surveys/email-links/{link["token"]}/responses", new JsonObject { ["answers"] = SurveysClient.Nps(9) }, Ct);

        Assert.Equal("link-expired", (await response.ShouldBeProblemAsync(HttpStatusCode.Gone)).Extensions["reason"]!.ToString());
    }

    [Fact]
    public async Task LinkForASurveyWithoutEmail_Is422_WithoutOrder400()
    {
        var onSite = await _client.CreateSurveyAsync(SurveysClient.NpsSurvey());
        var email = await _client.CreateSurveyAsync(EmailSurvey());

        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{onSite["id"]}/email-links", new JsonObject { ["orderId"] = "o-1" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{email["id"]}/email-links", new JsonObject(), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{Guid.NewGuid()}/email-links", new JsonObject { ["orderId"] = "o-1" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(Guid SurveyId, JsonObject Link)> IssueAsync()
    {
        var survey = await _client.CreateSurveyAsync(EmailSurvey());
        var id = survey["id"]!.GetValue<Guid>();
        var link = await (await _client.Storefront.PostAsJsonAsync($"/api/surveys/surveys/{id}/email-links",
            new JsonObject { ["orderId"] = $"order-{Guid.NewGuid():N}", ["partnerId"] = Guid.NewGuid() }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return (id, link);
    }

    private static JsonObject EmailSurvey()
    {
        var survey = SurveysClient.NpsSurvey(touchpoints: new JsonArray("email"));
        survey["partnerIds"] = new JsonArray(Guid.NewGuid());
        return survey;
    }

    public void Dispose() => _client.Dispose();
}
