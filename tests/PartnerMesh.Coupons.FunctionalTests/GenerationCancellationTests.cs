using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// <c>POST /api/coupons/generation-jobs/{id}/cancel</c>: a queued or running job stops, ends <c>cancelled</c>, and the
/// codes it made are disabled. This instance's worker runs one job at a time, so a small job that completes after a
/// cancellation proves the worker has left the cancelled job (no sleeps).
/// </summary>
public sealed class GenerationCancellationTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private const int LargeCount = 500_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    /// <summary>The 409s this class proves (a finished job's cancel, a cancelled job's CSV) are in the document too.</summary>
    [Theory]
    [InlineData("/api/coupons/generation-jobs/{id}/cancel", "post")]
    [InlineData("/api/coupons/generation-jobs/{id}/codes.csv", "get")]
    public async Task OpenApi_CancelAndCodesCsv_Declare409Problem(string path, string method)
    {
        var document = JsonNode.Parse(await factory.CreateAnonymousClient().GetStringAsync("/openapi/v1.json", Ct))!;

        Assert.NotNull(document["paths"]![path]![method]!["responses"]!["409"]?["content"]?["application/problem+json"]);
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsGeneratingAndDisablesItsCodes()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["requireReservation"] = false });
        var jobId = await StartJobAsync(campaignId, LargeCount);
        await RunningAsync(jobId);
        var codes = await FirstCodesAsync(jobId, 3);
        Assert.True((await _storefront.ValidateAsync(Validation(codes[0])))["valid"]!.GetValue<bool>());
        var held = await _storefront.ReserveOkAsync(codes[1]);

        var cancelled = await (await CancelAsync(jobId)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.NotNull(cancelled["completedAt"]);
        Assert.False(string.IsNullOrWhiteSpace(cancelled["cancelledBy"]?.GetValue<string>()));
        var generated = cancelled.Number("generated");
        Assert.InRange(generated, 3, LargeCount - 1);
        await BarrierAsync(campaignId);
        var after = await GetJobAsync(jobId);
        Assert.Equal(("cancelled", generated), (after["status"]!.GetValue<string>(), after.Number("generated")));
        var (made, usable) = await factory.QueryDbAsync(async db => (
            await db.Codes.CountAsync(code => code.GenerationJobId == jobId, Ct),
            await db.Codes.CountAsync(code => code.GenerationJobId == jobId && code.DisabledAt == null, Ct)));
        Assert.Equal((generated, 0), (made, usable));

        var validation = await _storefront.ValidateAsync(Validation(codes[0].ToLowerInvariant()));
        Assert.Equal((false, "disabled"), (validation["valid"]!.GetValue<bool>(), validation.Reason()));
        Assert.Equal("disabled", await (await _storefront.ReserveAsync(Reservation(codes[0]))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("disabled", await (await _storefront.RedeemAsync(Redemption(codes[1], $"order-{Guid.NewGuid():N}", held)))
            .ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("disabled", await (await _storefront.RedeemAsync(Redemption(codes[2], $"order-{Guid.NewGuid():N}", null)))
            .ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("disabled", await (await _admin.PostAsJsonAsync($"/api/coupons/codes/{codes[0]}/rotation", new JsonObject(), Ct))
            .ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("redeemed"));
        Assert.Equal("job_cancelled", await (await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}/codes.csv", Ct))
            .ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Cancel_QueuedJob_NeverRuns()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var blocker = await StartJobAsync(campaignId, LargeCount);
        await RunningAsync(blocker);
        var queued = await StartJobAsync(campaignId, 1_000); // behind the blocker on this instance's only worker

        var cancelled = await (await CancelAsync(queued)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await CancelAsync(blocker)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await BarrierAsync(campaignId);

        Assert.Equal(("cancelled", 0), (cancelled["status"]!.GetValue<string>(), cancelled.Number("generated")));
        var after = await GetJobAsync(queued);
        Assert.Equal(("cancelled", 0), (after["status"]!.GetValue<string>(), after.Number("generated")));
        Assert.Null(after["startedAt"]);
    }

    [Fact]
    public async Task Cancel_Twice_ReturnsTheSameJob()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var jobId = await StartJobAsync(campaignId, LargeCount);
        await RunningAsync(jobId);

        var first = await (await CancelAsync(jobId)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await BarrierAsync(campaignId);
        var second = await (await CancelAsync(jobId)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(first.ToJsonString(), (await GetJobAsync(jobId)).ToJsonString());
    }

    [Fact]
    public async Task Cancel_CompletedJob_Returns409AndKeepsItsCodes()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var jobId = await StartJobAsync(campaignId, 10);
        await FinishedAsync(jobId);

        Assert.Equal("job_completed", await (await CancelAsync(jobId)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        Assert.Equal("completed", (await GetJobAsync(jobId))["status"]!.GetValue<string>());
        var codes = await FirstCodesAsync(jobId, 10);
        Assert.True((await _storefront.ValidateAsync(Validation(codes[^1])))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Cancel_UnknownJob_Returns404()
    {
        await (await CancelAsync(Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<Guid> StartJobAsync(Guid campaignId, int count)
    {
        var prefix = $"X{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}-";
        var response = await _admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = "****-****-##", ["prefix"] = prefix, ["count"] = count }, Ct);
        return (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted))["id"]!.GetValue<Guid>();
    }

    private Task<HttpResponseMessage> CancelAsync(Guid jobId) =>
        _admin.PostAsync($"/api/coupons/generation-jobs/{jobId}/cancel", null, Ct);

    private async Task<JsonObject> GetJobAsync(Guid jobId) =>
        await (await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    /// <summary>Waits until the job runs and has committed its first batch.</summary>
    private Task<JsonObject> RunningAsync(Guid jobId) =>
        Eventually.GetAsync(async () => await GetJobAsync(jobId) is var job && job["status"]!.GetValue<string>() == "running" && job.Number("generated") > 0
            ? job : null, TimeSpan.FromSeconds(60), "the job runs");

    private Task<JsonObject> FinishedAsync(Guid jobId) =>
        Eventually.GetAsync(async () => await GetJobAsync(jobId) is var job && job["status"]!.GetValue<string>() is "completed" or "failed"
            ? job : null, TimeSpan.FromSeconds(60), "the job finishes");

    /// <summary>A small job queued now completes only after the worker has left every job before it.</summary>
    private async Task BarrierAsync(Guid campaignId) =>
        Assert.Equal("completed", (await FinishedAsync(await StartJobAsync(campaignId, 5)))["status"]!.GetValue<string>());

    /// <summary>The first codes of the job's CSV (read while it may still be running).</summary>
    private async Task<string[]> FirstCodesAsync(Guid jobId, int count)
    {
        using var response = await _admin.GetAsync($"/api/coupons/generation-jobs/{jobId}/codes.csv", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("code", await reader.ReadLineAsync(Ct));
        var codes = new string[count];
        for (var index = 0; index < count; index++)
        {
            codes[index] = (await reader.ReadLineAsync(Ct))!;
        }

        return codes;
    }
}
