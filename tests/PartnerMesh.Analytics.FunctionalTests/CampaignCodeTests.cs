using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Campaign codes match <c>utm_campaign</c> in any case, so two codes that differ only by case are one code: the second is 409.</summary>
public class CampaignCodeTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    private static SaveCampaignRequest Request(string name, string code) =>
        new(name, code, new DateOnly(2025, 11, 28), new DateOnly(2025, 12, 1), null, null, null, null);

    private async Task<HttpResponseMessage> PostAsync(SaveCampaignRequest request, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/campaigns") { Content = JsonContent.Create(request) };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Admin.SendAsync(message, Ct);
    }

    [Fact]
    public async Task Create_WithACodeDifferingOnlyByCaseOrSpaces_Returns409NamingTheExistingCampaign_AndTheKeyedRequestStillReplays()
    {
        var code = $"BF-{Guid.NewGuid():N}".ToUpperInvariant();
        var first = Request("Black Friday", code);
        var created = await (await PostAsync(first, idempotencyKey: code)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        Assert.Equal(code, created.Code);

        foreach (var other in new[] { code.ToLowerInvariant(), $" {code.ToLowerInvariant()} " })
        {
            var problem = await (await PostAsync(Request("Black Friday again", other))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(created.Id.ToString(), problem.Detail);
            Assert.Contains("'Black Friday'", problem.Detail);
            Assert.Contains($"'{code}'", problem.Detail);
        }

        var replayed = await (await PostAsync(first, idempotencyKey: code)).ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);
        Assert.Equal(created.Id, replayed.Id);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(c => EF.Functions.ILike(c.Code, code), Ct)));
    }

    [Fact]
    public async Task Update_ToAnotherCampaignsCodeInOtherCase_Returns409_ButRecasingItsOwnCodeIsAllowed()
    {
        var code = $"bf-{Guid.NewGuid():N}";
        var black = await (await PostAsync(Request("Black Friday", code))).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var cyber = await (await PostAsync(Request("Cyber Monday", $"cm-{Guid.NewGuid():N}"))).ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);

        var problem = await (await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{cyber.Id}", Request("Cyber Monday", code.ToUpperInvariant()), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(black.Id.ToString(), problem.Detail);

        var recased = await (await Admin.PutAsJsonAsync($"/api/analytics/campaigns/{black.Id}", Request("Black Friday", code.ToUpperInvariant()), Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.OK);
        Assert.Equal(code.ToUpperInvariant(), recased.Code);
    }

    [Fact]
    public async Task Create_SameCodeInTwoCasesConcurrently_CreatesExactlyOne()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = Guid.NewGuid().ToString("N");
            var responses = await Task.WhenAll(new[] { $"Easter-{id}", $"EASTER-{id}" }.Select(code => PostAsync(Request("Easter", code))));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
            await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(1, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(c => EF.Functions.ILike(c.Code, $"easter-{id}"), Ct)));
        }
    }
}
