using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class GenerationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Generate_100000Codes_Completes_UniqueAndMatchingThePattern()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUsesPerCode"] = 1 });
        var prefix = $"G{Guid.NewGuid().ToString("N")[..4].ToUpperInvariant()}-";
        var stopwatch = Stopwatch.StartNew();

        var job = await (await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = "SPRING-####-????", ["prefix"] = prefix, ["count"] = 100_000 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted);
        var jobId = job["id"]!.GetValue<Guid>();
        Assert.Equal("queued", job["status"]!.GetValue<string>());

        var done = await Eventually.GetAsync(async () =>
        {
            var progress = await (await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            return progress["status"]!.GetValue<string>() is "completed" or "failed" ? progress : null;
        }, TimeSpan.FromSeconds(180), "the job finishes");
        stopwatch.Stop();

        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal(100_000, done.Number("generated"));
        TestContext.Current.SendDiagnosticMessage($"100,000 codes generated in {stopwatch.Elapsed.TotalSeconds:F1} s");

        var csv = await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}/codes.csv", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("code", lines[0]);
        var codes = lines[1..];
        Assert.Equal(100_000, codes.Length);
        Assert.Equal(100_000, codes.Distinct(StringComparer.Ordinal).Count());
        var shape = new Regex($"^{Regex.Escape(prefix)}SPRING-[2-9]{{4}}-[A-HJKMNP-Z]{{4}}$");
        Assert.All(codes.Take(2_000), code => Assert.Matches(shape, code));

        var validation = await factory.Storefront().ValidateAsync(CouponsTestClient.Validation(codes[^1].ToLowerInvariant()));
        Assert.True(validation["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Generate_MoreThanATenthOfThePatternSpace_Refused422WithTheReason()
    {
        var campaignId = await _admin.CreateCampaignAsync();

        var response = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = "X-###", ["count"] = 52 }, Ct); // 8³ = 512 codes, a tenth is 51

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("512", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("infeasible", problem.Extensions["reason"]!.ToString());
    }

    [Theory]
    [InlineData("NO-PLACEHOLDERS", 1)]
    [InlineData("spring-####", 1)]
    [InlineData("SPRING-####", 0)]
    [InlineData("SPRING-####", 2_000_000)]
    [InlineData("ＳＰ-####", 1)]
    public async Task Generate_BadPatternOrCount_Returns400(string pattern, int count)
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var response = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = pattern, ["count"] = count }, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Generate_UnknownCampaignOrJob_Returns404()
    {
        await (await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{Guid.NewGuid()}/generation-jobs",
            new JsonObject { ["pattern"] = "****-****", ["count"] = 10 }, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.GetAsync($"/api/coupons/generation-jobs/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.GetAsync($"/api/coupons/generation-jobs/{Guid.NewGuid()}/codes.csv", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Generate_CodesOfThePatternSpaceAlreadyMadeOrQueued_CountAgainstItsDensity()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var prefix = $"PCQ{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}-";
        var six = new JsonObject { ["pattern"] = "##", ["prefix"] = prefix, ["count"] = 6 }; // 8² = 64 codes, a tenth is 6

        var first = await (await PostJobAsync(campaignId, six, idempotencyKey: $"space-{prefix}")).ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted);
        // A retry of the first request is answered with its job, not refused for it.
        await (await PostJobAsync(campaignId, six, idempotencyKey: $"space-{prefix}")).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var queued = await (await PostJobAsync(campaignId, new JsonObject { ["pattern"] = "##", ["prefix"] = prefix, ["count"] = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("infeasible", queued.Extensions["reason"]!.ToString());
        Assert.Contains("6 codes", queued.Detail, StringComparison.Ordinal);
        // The same space, split otherwise between prefix and pattern.
        await (await PostJobAsync(await _admin.CreateCampaignAsync(), new JsonObject { ["pattern"] = $"{prefix}##", ["count"] = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        await JobDoneAsync(first["id"]!.GetValue<Guid>());
        await (await PostJobAsync(campaignId, new JsonObject { ["pattern"] = "-##", ["prefix"] = prefix[..^1], ["count"] = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await PostJobAsync(campaignId, new JsonObject { ["pattern"] = "###", ["prefix"] = prefix, ["count"] = 6 })).ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Generate_TwelveConcurrentRequestsEachWithinATenth_OnlyWhatFitsIsQueued()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var prefix = $"PCQ{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}-";

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            PostJobAsync(campaignId, new JsonObject { ["pattern"] = "##", ["prefix"] = prefix, ["count"] = 6 })));

        var accepted = Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Accepted);
        foreach (var refused in responses.Where(response => response != accepted))
        {
            Assert.Equal("infeasible", await refused.ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
        }

        var job = await JobDoneAsync((await accepted.ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted))["id"]!.GetValue<Guid>());
        Assert.Equal(("completed", 6), (job["status"]!.GetValue<string>(), job.Number("generated")));
    }

    private Task<HttpResponseMessage> PostJobAsync(Guid campaignId, JsonObject body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/coupons/campaigns/{campaignId}/generation-jobs") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return _admin.SendAsync(request, Ct);
    }

    private Task<JsonObject> JobDoneAsync(Guid jobId) =>
        Eventually.GetAsync(async () =>
        {
            var progress = await (await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            return progress["status"]!.GetValue<string>() is "completed" or "failed" ? progress : null;
        }, TimeSpan.FromSeconds(60), "the job finishes");
}
