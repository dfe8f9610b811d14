using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Campaign bodies refuse properties they do not know (a misspelt <c>partners</c> for <c>partnerIds</c> must not save a
/// campaign without its partners): a 400 validation problem naming the property, and nothing saved or changed.
/// </summary>
public class CampaignRequestBodyTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static Dictionary<string, object?> Body(string code, string partnersProperty = "partnerIds") => new()
    {
        ["name"] = "Easter", ["code"] = code, ["startsOn"] = "2026-04-01", ["endsOn"] = "2026-04-06",
        [partnersProperty] = new[] { Guid.NewGuid() },
    };

    private static void AssertNamesOnly(Microsoft.AspNetCore.Mvc.ProblemDetails problem, string property)
    {
        var errors = ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetString());
        Assert.Equal([property], errors.Keys);
        Assert.Contains($"'{property}' is not a property of this request", errors[property], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithAnUnknownProperty_Is400NamingIt_AndCreatesNothing()
    {
        var code = $"easter-{Guid.NewGuid():N}";
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(Body(code, "partners")) };
        message.Headers.Add("Idempotency-Key", code);

        var problem = await (await Admin.SendAsync(message, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        AssertNamesOnly(problem, "partners");
        Assert.False(await factory.QueryDbAsync(db => db.Campaigns.AnyAsync(c => c.Code == code, Ct)));
    }

    [Fact]
    public async Task Update_WithAnUnknownProperty_Is400NamingIt_AndChangesNothing()
    {
        var code = $"easter-{Guid.NewGuid():N}";
        var created = await (await Admin.PostAsJsonAsync("/api/analytics/campaigns", Body(code), Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var update = Body(code);
        update["name"] = "Easter renamed";
        update["targetz"] = new Dictionary<string, decimal> { ["revenue"] = 1000m };

        var problem = await (await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{created.Id}", update, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        AssertNamesOnly(problem, "targetz");
        var stored = await (await Admin.GetAsync($"/api/analytics/campaigns/{created.Id}", Ct)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);
        Assert.Equal("Easter", stored.Name);
        Assert.Equal(created.PartnerIds, stored.PartnerIds);
    }

    [Fact]
    public async Task BehaviourEvents_StillIgnoreUnknownProperties()
    {
        var e = Behaviour.Event(Api.Ingestion.EventTypes.PageView, DateTimeOffset.UtcNow.AddMinutes(-1), session: $"s-{Guid.NewGuid():N}");
        e["somethingNew"] = 1;

        var report = await factory.IngestAsync([e], Ct);

        Assert.Equal(1, report.Accepted);
    }
}
