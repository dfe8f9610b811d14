using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// The instants storefronts send (an order's, a refund's, a lead's) are instants whatever their offset: stored in UTC as
/// the same instant, and compared as instants — so a refund or cancellation cannot be dated before its order.
/// </summary>
public sealed class RefundDateTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private static readonly TimeSpan PlusFive = TimeSpan.FromHours(5);
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("refund")]
    [InlineData("cancellation")]
    public async Task Refund_DatedBeforeItsOrder_Returns400NamingRefundedAt_NothingReversed(string kind)
    {
        var (sale, orderedAt) = await SaleAsync(TimeSpan.Zero);
        // The order's wall-clock time, but at +05:00: five hours before the order.
        var refundedAt = new DateTimeOffset(orderedAt.UtcDateTime.Ticks, PlusFive);

        var response = await RefundAsync(sale.OrderId, kind, refundedAt);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("refundedAt", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("before order", problem.Detail, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.Refunds.AnyAsync(refund => refund.OrderId == sale.OrderId, Ct)));
        Assert.Equal([10m], await factory.QueryDbAsync(db => db.Commissions.Where(c => c.ConversionId == sale.ConversionId).Select(c => c.Amount).ToListAsync(Ct)));
        var order = await (await _storefront.GetAsync($"/api/attribution/conversions/{sale.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
        Assert.Equal((ConversionStatus.Completed, 0m), (order.Status, order.RefundedAmount));
    }

    [Theory]
    [InlineData("refund")]
    [InlineData("cancellation")]
    public async Task Refund_DatedMoreThanFiveMinutesAhead_Returns400NamingRefundedAt_NothingReversed(string kind)
    {
        var (sale, _) = await SaleAsync(TimeSpan.Zero);

        var response = await RefundAsync(sale.OrderId, kind, DateTimeOffset.UtcNow.AddDays(30).ToOffset(PlusFive));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("refundedAt must not be more than 5 minutes in the future", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.Refunds.AnyAsync(refund => refund.OrderId == sale.OrderId, Ct)));
    }

    [Fact]
    public async Task Refund_DatedAfterItsOrderInAnotherOffset_IsStoredAsTheSameInstantInUtc()
    {
        var (sale, orderedAt) = await SaleAsync(TimeSpan.FromHours(2));
        var refundedAt = orderedAt.AddMinutes(3).ToOffset(PlusFive);

        var refund = await (await RefundAsync(sale.OrderId, "refund", refundedAt)).ShouldBeAsync<RefundResponse>(HttpStatusCode.Created);

        Assert.Equal((refundedAt.UtcDateTime, TimeSpan.Zero), (refund.RefundedAt.UtcDateTime, refund.RefundedAt.Offset));
        var stored = await factory.QueryDbAsync(db => db.Refunds.SingleAsync(r => r.OrderId == sale.OrderId, Ct));
        Assert.Equal(refundedAt, stored.RefundedAt);
        var conversion = await factory.QueryDbAsync(db => db.Conversions.SingleAsync(c => c.OrderId == sale.OrderId, Ct));
        Assert.Equal((orderedAt.UtcDateTime, TimeSpan.Zero), (conversion.OrderedAt.UtcDateTime, conversion.OrderedAt.Offset));
    }

    [Fact]
    public async Task Lead_OccurredAtInAnotherOffset_IsStoredAsTheSameInstantInUtc()
    {
        var occurredAt = WholeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10)).ToOffset(TimeSpan.FromHours(-7));
        var request = new RecordLeadRequest($"lead-{Guid.NewGuid():N}", "signup", null, NewVisitor(), null, null, occurredAt);

        var lead = await (await _storefront.PostAsJsonAsync("/api/attribution/leads", request, Ct)).ShouldBeAsync<LeadResponse>(HttpStatusCode.Created);

        Assert.Equal((occurredAt.UtcDateTime, TimeSpan.Zero), (lead.OccurredAt.UtcDateTime, lead.OccurredAt.Offset));
        var read = await (await _storefront.GetAsync($"/api/attribution/leads/{request.LeadId}", Ct)).ShouldBeAsync<LeadResponse>(HttpStatusCode.OK);
        Assert.Equal(occurredAt, read.OccurredAt);
    }

    /// <summary>An attributed sale (10 % commission), dated just after its click in the given offset.</summary>
    private async Task<(ConversionResponse Sale, DateTimeOffset OrderedAt)> SaleAsync(TimeSpan offset)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.10 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var click = await _shopper.ClickAsync((await _admin.CreateLinkAsync(partner.Id)).Code);
        var orderedAt = WholeSeconds(DateTimeOffset.UtcNow.AddSeconds(2)).ToOffset(offset);
        var sale = await _storefront.ConvertAsync(Order(100m, click) with { OrderedAt = orderedAt });
        Assert.Equal(10m, sale.CommissionAmount);
        return (sale, orderedAt);
    }

    private Task<HttpResponseMessage> RefundAsync(string orderId, string kind, DateTimeOffset refundedAt) =>
        _storefront.PostAsJsonAsync("/api/attribution/refunds", new
        {
            refundId = $"refund-{Guid.NewGuid():N}", orderId, kind, amount = kind == "refund" ? 40m : (decimal?)null, currency = "EUR", refundedAt,
        }, Ct);

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));
}
