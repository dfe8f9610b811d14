using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// Stored <c>Idempotency-Key</c>s last <see cref="Api.AttributionOptions.IdempotencyKeyRetention"/>: a younger key still
/// answers with what it stands for; the sweep forgets an older one, and the key then makes a new request. Keys are aged by
/// setting their stored time back; the sweep the background service runs is called directly.
/// </summary>
public class IdempotencyKeyRetentionTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private const string Conversions = "/api/attribution/conversions";
    private const string Clicks = "/api/attribution/clicks";

    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TimeSpan Retention => factory.Services.GetRequiredService<IOptions<Api.AttributionOptions>>().Value.IdempotencyKeyRetention;

    [Fact]
    public async Task RecordConversion_KeyOlderThanTheRetention_IsForgotten_AndRecordsAnotherOrder_WhileAYoungerKeyStillAnswers()
    {
        var expiredKey = NewKey();
        var youngKey = NewKey();
        await (await PostAsync(Conversions, Order(80m) with { OrderedAt = Later }, expiredKey)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        var kept = Order(50m) with { OrderedAt = Later };
        var keptAnswer = await (await PostAsync(Conversions, kept, youngKey)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        await factory.QueryDbAsync(db => db.IdempotencyRecords.Where(record => record.Key == expiredKey)
            .ExecuteUpdateAsync(setters => setters.SetProperty(record => record.CreatedAt, DateTimeOffset.UtcNow - Retention - TimeSpan.FromMinutes(1)), Ct));
        await factory.QueryDbAsync(db => db.IdempotencyRecords.Where(record => record.Key == youngKey)
            .ExecuteUpdateAsync(setters => setters.SetProperty(record => record.CreatedAt, DateTimeOffset.UtcNow - Retention + TimeSpan.FromHours(1)), Ct));

        await SweepAsync(); // what it reports is not asserted: the hosted sweeper may take the rows first

        Assert.False(await factory.QueryDbAsync(db => db.IdempotencyRecords.AnyAsync(record => record.Key == expiredKey, Ct)));
        Assert.True(await factory.QueryDbAsync(db => db.IdempotencyRecords.AnyAsync(record => record.Key == youngKey, Ct)));
        var another = Order(81m) with { OrderedAt = Later };
        var created = await (await PostAsync(Conversions, another, expiredKey)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        Assert.Equal(another.OrderId, created.OrderId);
        Assert.Equal(keptAnswer, await (await PostAsync(Conversions, kept, youngKey)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK));
        await (await PostAsync(Conversions, Order(82m) with { OrderedAt = Later }, youngKey)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RegisterClick_KeyOlderThanTheRetention_IsForgotten_AndTheSameRequestRecordsANewClick_WhileAYoungerKeyStillReplays()
    {
        var link = await _admin.CreateLinkAsync((await _admin.CreatePartnerAsync()).Id);
        var body = new { code = link.Code, utmSource = "retention" };
        var expiredKey = NewKey();
        var youngKey = NewKey();
        var expired = await (await PostAsync(Clicks, body, expiredKey)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var young = await (await PostAsync(Clicks, body, youngKey)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        await factory.QueryDbAsync(db => db.ClickIdempotencyKeys.Where(key => key.Key == expiredKey)
            .ExecuteUpdateAsync(setters => setters.SetProperty(key => key.CreatedAt, DateTimeOffset.UtcNow - Retention - TimeSpan.FromMinutes(1)), Ct));
        await factory.QueryDbAsync(db => db.ClickIdempotencyKeys.Where(key => key.Key == youngKey)
            .ExecuteUpdateAsync(setters => setters.SetProperty(key => key.CreatedAt, DateTimeOffset.UtcNow - Retention + TimeSpan.FromHours(1)), Ct));

        await SweepAsync(); // what it reports is not asserted: the hosted sweeper may take the rows first

        Assert.False(await factory.QueryDbAsync(db => db.ClickIdempotencyKeys.AnyAsync(key => key.Key == expiredKey, Ct)));
        Assert.True(await factory.QueryDbAsync(db => db.ClickIdempotencyKeys.AnyAsync(key => key.Key == youngKey, Ct)));
        var again = await (await PostAsync(Clicks, body, expiredKey)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        Assert.NotEqual(expired.ClickId, again.ClickId);
        Assert.Equal(young, await (await PostAsync(Clicks, body, youngKey)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created));
        Assert.Equal(3, await factory.QueryDbAsync(db => db.Clicks.CountAsync(click => click.LinkId == link.Id, Ct)));
    }

    [Fact]
    public async Task Sweep_BacklogLargerThanABatch_DeletesItAllInBatches()
    {
        var caller = $"backlog-{Guid.NewGuid():N}";
        var aged = DateTimeOffset.UtcNow - Retention - TimeSpan.FromDays(1);
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_records (caller, operation, key, fingerprint, response, created_at)
            SELECT {caller}, 'backlog', 'key-' || n, 'fingerprint', jsonb_build_object(), {aged} FROM generate_series(1, {IdempotencyKeySweeper.BatchSize + 1}) AS n
            """, Ct));

        // One call empties a backlog of more than one batch (the hosted sweeper may take some of the rows meanwhile, so
        // the count this call reports is not asserted).
        await SweepAsync();

        Assert.False(await factory.QueryDbAsync(db => db.IdempotencyRecords.AnyAsync(record => record.Caller == caller, Ct)));
    }

    private Task<int> SweepAsync() => factory.Services.GetRequiredService<IdempotencyKeySweeper>().SweepAsync(Ct);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await _storefront.SendAsync(request, Ct);
    }
}
