using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// <c>Idempotency-Key</c> on <c>POST /clicks</c>: a storefront's retry (even without a visitor id, which would not
/// collapse) gets the first answer again and records nothing; keys are the caller's own.
/// </summary>
public class ClickIdempotencyTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private const string Path = "/api/attribution/clicks";
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterClick_SameKeyAndBody_AnswersTheFirstResponseAgain_AndRecordsOneClickWithOneEvent()
    {
        var link = await NewLinkAsync();
        var body = new { code = link.Code, utmSource = "newsletter", ipAddress = "203.0.113.7", userAgent = "Shop/1" };
        var key = NewKey();

        using var first = await PostAsync(_storefront, body, key);
        using var retry = await PostAsync(_storefront, body, key);
        using var unkeyed = await PostAsync(_storefront, body, key: null);

        var answer = await first.ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        Assert.Equal(answer, await retry.ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.NotEqual(answer.ClickId, (await unkeyed.ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created)).ClickId);
        var clicks = await factory.QueryDbAsync(db => db.Clicks.Where(c => c.LinkId == link.Id).ToListAsync(Ct));
        Assert.Equal(2, clicks.Count);
        Assert.Equal(0, clicks.Single(c => c.Id == answer.ClickId).Duplicates);
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.ClickId == answer.ClickId));
        Assert.Equal(2, (await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id)).Count);
    }

    [Fact]
    public async Task RegisterClick_SameKeyForACollapsedRepeat_AnswersOkWithTheEarlierClickAgain_AndCountsTheRepeatOnce()
    {
        var link = await NewLinkAsync();
        var body = new { code = link.Code, visitorId = NewVisitor() };
        var earlier = await (await PostAsync(_storefront, body, key: null)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var key = NewKey();

        var repeat = await (await PostAsync(_storefront, body, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.OK);
        var retry = await (await PostAsync(_storefront, body, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.OK);

        Assert.Equal((earlier.ClickId, true), (repeat.ClickId, repeat.Duplicate));
        Assert.Equal(repeat, retry);
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.LinkId == link.Id, Ct));
        Assert.Equal(1, click.Duplicates);
    }

    [Fact]
    public async Task RegisterClick_SameKeyWithADifferentBody_Returns409AndRecordsNothing()
    {
        var link = await NewLinkAsync();
        var key = NewKey();
        await (await PostAsync(_storefront, new { code = link.Code, utmSource = "a" }, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);

        var problem = await (await PostAsync(_storefront, new { code = link.Code, utmSource = "b" }, key)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Idempotency-Key", problem.Detail);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.LinkId == link.Id, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task RegisterClick_InvalidKey_Returns400AndRecordsNothing(int length)
    {
        var link = await NewLinkAsync();
        var key = length < 0 ? "bad\tkey" : new string('k', length);

        var problem = await (await PostAsync(_storefront, new { code = link.Code }, key)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString());
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.LinkId == link.Id, Ct)));
    }

    [Fact]
    public async Task RegisterClick_TwentyConcurrentRetriesOfOneRequest_RecordOneClickAndAnswerItToAll()
    {
        var link = await NewLinkAsync();
        var body = new { code = link.Code, userAgent = "Shop/1" };
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await PostAsync(_storefront, body, key);
            return await response.ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        }));

        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.LinkId == link.Id, Ct));
        Assert.All(answers, answer => Assert.Equal((click.Id, click.VisitorId, false), (answer.ClickId, answer.VisitorId, answer.Duplicate)));
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id));
    }

    [Fact]
    public async Task RegisterClick_TwentyConcurrentDifferentRequestsUnderOneKey_RecordOneClick_TheOthersAre409()
    {
        var link = await NewLinkAsync();
        var key = NewKey();

        // Different visitors: the requests go through different commit lanes, so the key is contended across commits.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await PostAsync(_storefront, new { code = link.Code, visitorId = NewVisitor() }, key);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            }

            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(status => status == HttpStatusCode.Conflict));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.LinkId == link.Id, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.LinkId == link.Id));
    }

    [Fact]
    public async Task RegisterClick_KeysAreTheCallersOwn_AnotherStorefrontsSameKeyIsANewRequest()
    {
        var link = await NewLinkAsync();
        var otherStorefront = factory.CreateClientWithToken(factory.Tokens.Issuer(ServiceTokenIssuers.Gateway)
            .Issue(factory.Tokens.Audience, "apikey:other-shop", [PartnerMeshScopes.Storefront], keyId: "other-shop"));
        var key = NewKey();

        var mine = await (await PostAsync(_storefront, new { code = link.Code, utmSource = "a" }, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var theirs = await (await PostAsync(otherStorefront, new { code = link.Code, utmSource = "b" }, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var myRetry = await (await PostAsync(_storefront, new { code = link.Code, utmSource = "a" }, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var theirRetry = await (await PostAsync(otherStorefront, new { code = link.Code, utmSource = "b" }, key)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);

        Assert.NotEqual(mine.ClickId, theirs.ClickId);
        Assert.Equal((mine, theirs), (myRetry, theirRetry));
        Assert.Equal(2, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.LinkId == link.Id, Ct)));
    }

    private async Task<Api.Links.LinkResponse> NewLinkAsync() => await _admin.CreateLinkAsync((await _admin.CreatePartnerAsync()).Id);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await client.SendAsync(request, Ct);
    }
}
