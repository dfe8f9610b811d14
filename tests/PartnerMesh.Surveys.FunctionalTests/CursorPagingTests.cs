using System.Net;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>Every cursor list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>).</summary>
public sealed class CursorPagingTests(SurveysApiFactory factory) : IClassFixture<SurveysApiFactory>, IDisposable
{
    private readonly SurveysClient _client = new(factory);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("surveys", "responses", "after")]
    [InlineData("responses", "partners", "after")]
    [InlineData("responses", "surveys", "before")]
    [InlineData("partners", "responses", "after")]
    public async Task List_WalksEveryItemOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors(string list, string other, string parameter)
    {
        var partner = Guid.NewGuid();
        var survey = (await _client.CreateSurveyAsync(DecisionTests.Targeted(partner)))["id"]!.GetValue<Guid>();
        var registered = Enumerable.Range(0, 3).Select(_ => TestEvents.PartnerRegistered(name: $"Partner {Guid.NewGuid():N}"[..16])).ToList();
        for (var index = 0; index < 3; index++)
        {
            await _client.CreateSurveyAsync(DecisionTests.Targeted(Guid.NewGuid())); // shown to no one here
            var (visitor, impression) = await _client.ShowAsync(survey, partner);
            await (await _client.SubmitAsync(impression, visitor, SurveysClient.Nps(index))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
            await factory.PublishAsync(registered[index]);
        }

        foreach (var partnerRegistered in registered)
        {
            await Eventually.GetAsync(async () =>
                (await _client.Admin.GetAsync($"/api/surveys/partners/{partnerRegistered.PartnerId}", Ct)).StatusCode == HttpStatusCode.OK ? "registered" : null);
        }

        string PathOf(string name) => name == "responses" ? $"/api/surveys/responses?surveyId={survey}" : $"/api/surveys/{name}";

        var items = await CursorPaging.WalkAsync(_client.Admin, PathOf(list), parameter: parameter, cancellationToken: Ct);
        Assert.True(list == "responses" ? items.Count == 3 : items.Count >= 3, $"{items.Count} items");

        var own = await CursorPaging.FirstCursorAsync(_client.Admin, PathOf(list), Ct);
        var foreign = await CursorPaging.FirstCursorAsync(_client.Admin, PathOf(other), Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(_client.Admin, PathOf(list), own, foreign, parameter, Ct);
    }

    public void Dispose() => _client.Dispose();
}
