using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// <c>Idempotency-Key</c> on the storefront POSTs that are also idempotent by their own ids (conversions, leads, refunds,
/// ambassadors): a retry gets the first answer again (200) with no second effect or event, another request under the
/// key is a 409 that records nothing, a malformed key a 400; keys are the caller's own, per endpoint.
/// </summary>
public class StorefrontIdempotencyTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private const string Conversions = "/api/attribution/conversions";
    private const string Leads = "/api/attribution/leads";
    private const string Refunds = "/api/attribution/refunds";
    private const string Ambassadors = "/api/attribution/ambassadors";

    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordConversion_SameKeyAndBody_AnswersTheFirstBodyWith200_AndRecordsOnce()
    {
        var order = Order(80m, await ClickAsync()) with { OrderedAt = Later };
        var key = NewKey();

        var first = await (await PostAsync(Conversions, order, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        var retry = await (await PostAsync(Conversions, order, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);

        Assert.Equal(first, retry);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Conversions.CountAsync(c => c.OrderId == order.OrderId, Ct)));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.OrderId == order.OrderId, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(e => e.OrderId == order.OrderId));
    }

    [Fact]
    public async Task RecordConversion_SameKeyWithAnotherOrder_Returns409AndRecordsNothing()
    {
        var click = await ClickAsync();
        var key = NewKey();
        await (await PostAsync(Conversions, Order(80m, click) with { OrderedAt = Later }, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        var other = Order(81m, click) with { OrderedAt = Later };

        var problem = await (await PostAsync(Conversions, other, key)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Idempotency-Key", problem.Detail);
        Assert.False(await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == other.OrderId, Ct)));
        Assert.Empty(await factory.OutboxEventsAsync<ConversionAttributed>(e => e.OrderId == other.OrderId));
    }

    [Fact]
    public async Task RecordConversion_KeyFirstSentWithAnOrderAlreadyRecorded_StandsForThatAnswer()
    {
        var order = Order(80m, await ClickAsync()) with { OrderedAt = Later };
        var recorded = await (await PostAsync(Conversions, order, key: null)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        var key = NewKey();

        var replayed = await (await PostAsync(Conversions, order, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        var other = Order(81m) with { OrderedAt = Later };
        var reused = await PostAsync(Conversions, other, key);

        Assert.Equal(recorded, replayed);
        await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.QueryDbAsync(db => db.Conversions.AnyAsync(c => c.OrderId == other.OrderId, Ct)));
    }

    [Fact]
    public async Task RecordConversion_KeyedRetryAfterARefund_AnswersTheFirstAnswer_WhileTheOrderIdAnswersTheCurrentState()
    {
        var order = Order(80m, await ClickAsync()) with { OrderedAt = Later };
        var key = NewKey();
        var first = await (await PostAsync(Conversions, order, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        await (await PostAsync(Refunds, NewRefund(order.OrderId!, 20m), key: null)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        var keyedRetry = await (await PostAsync(Conversions, order, key)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        var unkeyedRetry = await (await PostAsync(Conversions, order, key: null)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);

        Assert.Equal(first, keyedRetry);
        Assert.Equal((ConversionStatus.PartiallyRefunded, 20m), (unkeyedRetry.Status, unkeyedRetry.RefundedAmount));
    }

    [Fact]
    public async Task RecordConversion_TwentyConcurrentRetriesOfOneKeyedRequest_RecordOneConversionAndOneEvent()
    {
        var order = Order(80m, await ClickAsync()) with { OrderedAt = Later };
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await PostAsync(Conversions, order, key);
            var status = response.StatusCode;
            return (status, await response.ShouldBeAsync<ConversionResponse>(status == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK));
        }));

        Assert.Equal(1, answers.Count(answer => answer.status == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(answer => answer.status == HttpStatusCode.OK));
        var conversion = await factory.QueryDbAsync(db => db.Conversions.SingleAsync(c => c.OrderId == order.OrderId, Ct));
        Assert.All(answers, answer => Assert.Equal(conversion.Id, answer.Item2.ConversionId));
        Assert.Single(answers.Select(answer => answer.Item2).Distinct());
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.OrderId == order.OrderId, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(e => e.OrderId == order.OrderId));
    }

    [Fact]
    public async Task RecordConversion_TwentyConcurrentDifferentOrdersUnderOneKey_RecordOne_TheOthersAre409()
    {
        var click = await ClickAsync();
        var orders = Enumerable.Range(0, 20).Select(_ => Order(80m, click) with { OrderedAt = Later }).ToList();
        var key = NewKey();

        var statuses = await Task.WhenAll(orders.Select(async order =>
        {
            using var response = await PostAsync(Conversions, order, key);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            }

            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(status => status == HttpStatusCode.Conflict));
        var orderIds = orders.Select(order => order.OrderId).ToList();
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Conversions.CountAsync(c => orderIds.Contains(c.OrderId), Ct)));
        Assert.Single(await factory.OutboxEventsAsync<ConversionAttributed>(e => orderIds.Contains(e.OrderId)));
    }

    [Fact]
    public async Task RecordConversion_KeysAreTheCallersOwnAndPerEndpoint()
    {
        var otherStorefront = factory.CreateClientWithToken(factory.Tokens.Issuer(ServiceTokenIssuers.Gateway)
            .Issue(factory.Tokens.Audience, "apikey:other-shop", [PartnerMeshScopes.Storefront], keyId: "other-shop"));
        var key = NewKey();

        using var mine = await PostAsync(Conversions, Order(10m) with { OrderedAt = Later }, key);
        using var theirs = await PostAsync(otherStorefront, Conversions, Order(20m) with { OrderedAt = Later }, key);
        using var myLead = await PostAsync(Leads, new RecordLeadRequest(NewLeadId(), "signup", null, null, null, null, Later), key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created), (mine.StatusCode, theirs.StatusCode, myLead.StatusCode));
    }

    [Theory]
    [InlineData(Conversions)]
    [InlineData(Leads)]
    [InlineData(Refunds)]
    [InlineData(Ambassadors)]
    public async Task CreatingPost_InvalidKey_Returns400AndRecordsNothing(string path)
    {
        var id = $"id-{Guid.NewGuid():N}";
        object body = path switch
        {
            Conversions => new RecordConversionRequest(id, null, 10m, "EUR", null),
            Leads => new RecordLeadRequest(id, "signup", null, null, null, null, null),
            Refunds => new RecordRefundRequest(id, NewOrderId(), "refund", 10m, "EUR", null),
            _ => new CreateAmbassadorRequest((await _admin.CreateProgramAsync()).Id, id, AttributionClientExtensions.UniqueEmail(), null, "https://shop.example/"),
        };

        foreach (var key in new[] { new string('k', 101), "bad\tkey" })
        {
            var problem = await (await PostAsync(path, body, key)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString());
        }

        Assert.False(await factory.QueryDbAsync(async db => await db.Conversions.AnyAsync(c => c.OrderId == id, Ct)
            || await db.Leads.AnyAsync(l => l.LeadId == id, Ct) || await db.Refunds.AnyAsync(r => r.RefundId == id, Ct)
            || await db.Partners.AnyAsync(p => p.CustomerId == id, Ct)));
    }

    [Fact]
    public async Task RecordLead_SameKey_AnswersTheFirstLeadAndBooksOnce_AnotherLeadUnderTheKeyIs409()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1, perLead = 2 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var clickId = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        var lead = new RecordLeadRequest(NewLeadId(), "signup", clickId, null, null, null, Later);
        var key = NewKey();

        var first = await (await PostAsync(Leads, lead, key)).ShouldBeAsync<LeadResponse>(HttpStatusCode.Created);
        var retry = await (await PostAsync(Leads, lead, key)).ShouldBeAsync<LeadResponse>(HttpStatusCode.OK);
        var other = lead with { LeadId = NewLeadId() };
        var reused = await PostAsync(Leads, other, key);

        Assert.Equal(first, retry);
        await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.QueryDbAsync(db => db.Leads.AnyAsync(l => l.LeadId == other.LeadId, Ct)));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Commissions.CountAsync(c => c.PartnerId == partner.Id, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<CommissionBooked>(e => e.PartnerId == partner.Id));
    }

    [Fact]
    public async Task RecordRefund_SameKey_AnswersTheFirstRefundAndReversesOnce_AnotherRefundUnderTheKeyIs409()
    {
        var order = Order(100m, await ClickAsync()) with { OrderedAt = Later };
        await (await PostAsync(Conversions, order, key: null)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.Created);
        var refund = NewRefund(order.OrderId!, 30m);
        var key = NewKey();

        var first = await (await PostAsync(Refunds, refund, key)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);
        var retry = await (await PostAsync(Refunds, refund, key)).ShouldBeAsync<RefundResponse>(HttpStatusCode.OK);
        var other = NewRefund(order.OrderId!, 30m);
        var reused = await PostAsync(Refunds, other, key);

        Assert.Equal(first, retry);
        await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.QueryDbAsync(db => db.Refunds.AnyAsync(r => r.RefundId == other.RefundId, Ct)));
        Assert.Equal(30m, await factory.QueryDbAsync(db => db.Conversions.Where(c => c.OrderId == order.OrderId).Select(c => c.RefundedAmount).SingleAsync(Ct)));
        Assert.Single(await factory.OutboxEventsAsync<RefundRecorded>(e => e.OrderId == order.OrderId));
    }

    [Fact]
    public async Task CreateAmbassador_SameKey_AnswersTheSameCode_AnotherCustomerUnderTheKeyIs409()
    {
        var program = await _admin.CreateProgramAsync(new { allowedHosts = new[] { "shop.example" }, fallbackUrl = "https://shop.example/" });
        var body = new CreateAmbassadorRequest(program.Id, $"cust-{Guid.NewGuid():N}", AttributionClientExtensions.UniqueEmail(), "Ann", null);
        var key = NewKey();

        var first = await (await PostAsync(Ambassadors, body, key)).ShouldBeAsync<AmbassadorResponse>(HttpStatusCode.Created);
        var retry = await (await PostAsync(Ambassadors, body, key)).ShouldBeAsync<AmbassadorResponse>(HttpStatusCode.OK);
        var other = body with { CustomerId = $"cust-{Guid.NewGuid():N}", Email = AttributionClientExtensions.UniqueEmail() };
        var reused = await PostAsync(Ambassadors, other, key);

        Assert.Equal(first, retry);
        await reused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.QueryDbAsync(db => db.Partners.AnyAsync(p => p.CustomerId == other.CustomerId, Ct)));
        Assert.Single(await factory.OutboxEventsAsync<PartnerRegistered>(e => e.PartnerId == first.Partner.Id));
        Assert.Single(await factory.OutboxEventsAsync<ReferralLinkCreated>(e => e.PartnerId == first.Partner.Id));
    }

    /// <summary>A click on a fresh link of a partner without a program (flat 10 %).</summary>
    private async Task<Guid> ClickAsync() =>
        await _shopper.ClickAsync((await _admin.CreateLinkAsync((await _admin.CreatePartnerAsync()).Id)).Code);

    private static RecordRefundRequest NewRefund(string orderId, decimal amount) =>
        new($"refund-{Guid.NewGuid():N}", orderId, "refund", amount, "EUR", null);

    private static string NewLeadId() => $"lead-{Guid.NewGuid():N}";

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> PostAsync(string path, object body, string? key) => PostAsync(_storefront, path, body, key);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType()) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await client.SendAsync(request, Ct);
    }
}
