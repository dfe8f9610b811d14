using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Retried and concurrent edits: rollback takes an Idempotency-Key, an identical PUT adds no version, and
/// If-Match refuses overwriting an edit not seen (412).</summary>
public sealed class DefinitionEditSafetyTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Rollback_SameIdempotencyKeyThreeTimes_OneNewVersion_SameAnswer_OtherBody409()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        var key = $"rb-{Guid.NewGuid():N}";
        var body = new JsonObject { ["version"] = 1, ["reason"] = "retry" };

        var first = await (await RollbackAsync(id, body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var second = await (await RollbackAsync(id, body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var third = await (await RollbackAsync(id, body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var other = await RollbackAsync(id, new JsonObject { ["version"] = 1, ["reason"] = "another" }, key);

        Assert.Equal(2, first["liveVersion"]!.GetValue<int>());
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(first.ToJsonString(), third.ToJsonString());
        Assert.Equal(IdempotencyKeys.ReusedReason, (await other.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
        Assert.Equal("1,2", await VersionsAsync(id));
        var history = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/history", Ct))!["items"]!.AsArray();
        Assert.Single(history, change => change!["action"]!.GetValue<string>() == "rolledBack");

        // Without a key every rollback is a new one, as before.
        await (await RollbackAsync(id, body, key: null)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("1,2,3", await VersionsAsync(id));
    }

    [Fact]
    public async Task Put_IdenticalDefinitionTenTimesAtOnce_OneNewVersionOneHistoryRow()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        var edit = new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 20), ["reason"] = "twenty" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}", edit, Ct)));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal("1,2", await VersionsAsync(id));
        var history = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/history", Ct))!["items"]!.AsArray();
        Assert.Single(history, change => change!["action"]!.GetValue<string>() == "edited");
    }

    [Fact]
    public async Task Put_IdenticalDefinitionAgain_NoNewVersionNoHistoryRow_Answers200AsItIs()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        var edit = new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 20), ["reason"] = "twenty" };

        var answers = new List<JsonObject>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            answers.Add(await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}", edit, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK));
        }

        Assert.All(answers, answer => Assert.Equal(2, answer["latestVersion"]!.GetValue<int>()));
        Assert.Equal("1,2", await VersionsAsync(id));
        var history = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/history", Ct))!["items"]!.AsArray();
        Assert.Single(history, change => change!["action"]!.GetValue<string>() == "edited");

        // The live version's definition again (while version 2 is pending) is an edit: the latest version is what is compared.
        var back = await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 10) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(3, back["latestVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Put_WithStaleIfMatch_412Problem_NothingSaved_CurrentETagWorks_NoIfMatchStillAllowed()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        var read = await _admin.GetAsync($"/api/promotions/definitions/{id}", Ct);
        await read.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("\"1\"", read.Headers.ETag?.ToString());

        // Admin A saves from that read; admin B, who read the same version, is refused.
        var a = await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 20), read.Headers.ETag!.ToString());
        await a.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("\"2\"", a.Headers.ETag?.ToString());
        var b = await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 30), read.Headers.ETag!.ToString());
        var problem = await b.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Contains("version 2", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("1,2", await VersionsAsync(id));

        await (await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 30), "\"2\"")).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 40), ifMatch: null)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 50), "not-a-version")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("1,2,3,4", await VersionsAsync(id));
    }

    /// <summary>RFC 9110 §13.1.1: <c>*</c> matches any current version, a list matches when any strong tag in it does, and a
    /// weak tag never matches (If-Match compares strongly). <c>*</c> stands alone (<c>"*" / #entity-tag</c>): inside a list
    /// it is a malformed If-Match (400), not "any version".</summary>
    [Theory]
    [InlineData("*", HttpStatusCode.OK)]
    [InlineData("\"7\", \"1\"", HttpStatusCode.OK)]
    [InlineData("W/\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("\"7\", W/\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("*, \"1\"", HttpStatusCode.BadRequest)]
    [InlineData("\"7\", *", HttpStatusCode.BadRequest)]
    public async Task Put_WithIfMatchStarListOrWeakTag_ComparesStrongly(string ifMatch, HttpStatusCode expected)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));

        var response = await PutAsync(id, PromotionsTestClient.PercentOffProduct(product, 20), ifMatch);

        if (expected == HttpStatusCode.OK)
        {
            await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.Equal("1,2", await VersionsAsync(id));
        }
        else
        {
            var problem = await response.ShouldBeProblemAsync(expected);
            Assert.Contains(expected == HttpStatusCode.BadRequest ? "If-Match" : "version 1",
                expected == HttpStatusCode.BadRequest ? problem.Extensions["errors"]!.ToString() : problem.Detail, StringComparison.Ordinal);
            Assert.Equal("1", await VersionsAsync(id));
        }
    }

    private Task<HttpResponseMessage> RollbackAsync(Guid id, JsonObject body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/promotions/definitions/{id}/rollback") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return _admin.SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> PutAsync(Guid id, JsonObject definition, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/promotions/definitions/{id}")
        {
            Content = JsonContent.Create(new JsonObject { ["definition"] = definition }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _admin.SendAsync(request, Ct);
    }

    private async Task<string> VersionsAsync(Guid id) =>
        string.Join(",", (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/versions", Ct))!["items"]!.AsArray()
            .Select(version => version!["version"]!.GetValue<int>()));
}
