using System.Net;
using System.Text.Json;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// An order is counted on the money of the first event that names it. An <c>order_completed</c> for it under a new event
/// id with another amount or currency would change nothing, so it is refused (<c>order_already_counted</c>, saying what is
/// counted) instead of being reported accepted; the same money again is accepted, as a resend is.
/// </summary>
public class OrderCorrectionTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-5);

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Fact]
    public async Task OrderCompleted_UnderANewId_WithOtherMoney_IsRejectedAsAlreadyCounted_TheSameMoneyIsAccepted()
    {
        var (campaign, order) = ($"fix-{Guid.NewGuid():N}", $"o-{Guid.NewGuid():N}");
        await factory.IngestAsync([Order(order, 100m, "EUR", campaign)], Ct);

        var other = Order(order, 120m, "EUR", campaign);
        var otherCurrency = Order(order, 100m, "USD", campaign);
        var same = Order(order, 100.00m, "EUR", campaign);
        var report = await (await Storefront.PostAsync([other, otherCurrency, same], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)same["eventId"]!], report.AcceptedIds);
        Assert.Equal(
            [(0, BehaviourEventValidator.Reasons.OrderAlreadyCounted), (1, BehaviourEventValidator.Reasons.OrderAlreadyCounted)],
            report.Rejections.Select(r => (r.Index, r.Reason)));
        Assert.All(report.Rejections, r => Assert.Contains($"Order '{order}' is already counted as 100.00 EUR", r.Detail, StringComparison.Ordinal));
        Assert.Contains("120.00 EUR", report.Rejections[0].Detail, StringComparison.Ordinal);
        var kpis = (await factory.WaitForReportAsync(Url(campaign), r => r.Totals.Count == 1 && r.Total().Orders > 0, Ct)).Total();
        Assert.Equal((1L, "EUR", 100m), (kpis.Orders, Assert.Single(kpis.Sales).Currency, kpis.Sales[0].Revenue));
    }

    [Fact]
    public async Task OrderCompleted_WithOtherMoney_AfterTheOrderWasAggregated_IsRejectedWith422()
    {
        var (campaign, order) = ($"fix-{Guid.NewGuid():N}", $"o-{Guid.NewGuid():N}");
        await factory.IngestAsync([Order(order, 1200m, "JPY", campaign)], Ct);
        await factory.WaitForReportAsync(Url(campaign), r => r.Totals.Count == 1 && r.Total().Orders == 1, Ct);

        var response = await Storefront.PostAsync([Order(order, 1300m, "JPY", campaign)], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejection = ((JsonElement)problem.Extensions["rejections"]!)[0];
        Assert.Equal(BehaviourEventValidator.Reasons.OrderAlreadyCounted, rejection.GetProperty("reason").GetString());
        Assert.Contains("already counted as 1200 JPY", rejection.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderCompleted_TwiceInOneBatch_WithOtherMoney_TheSecondIsRejected()
    {
        var (campaign, order) = ($"fix-{Guid.NewGuid():N}", $"o-{Guid.NewGuid():N}");
        var first = Order(order, 50m, "EUR", campaign);
        var second = Order(order, 55m, "EUR", campaign);

        var report = await (await Storefront.PostAsync([first, second], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)first["eventId"]!], report.AcceptedIds);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((1, BehaviourEventValidator.Reasons.OrderAlreadyCounted), (rejection.Index, rejection.Reason));
        Assert.Contains($"event '{first["eventId"]}' of this batch as 50.00 EUR", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderCompleted_InParallelBatchesWithDifferentMoney_OneIsAccepted_TheOthersRejected()
    {
        var (campaign, order) = ($"fix-{Guid.NewGuid():N}", $"o-{Guid.NewGuid():N}");

        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Storefront.PostAsync([Order(order, 10m * i, "EUR", campaign)], Ct)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        var kpis = (await factory.WaitForReportAsync(Url(campaign), r => r.Totals.Count == 1 && r.Total().Orders > 0, Ct)).Total();
        Assert.Equal(1L, kpis.Orders);
    }

    private static Dictionary<string, object?> Order(string order, decimal amount, string currency, string campaign)
    {
        var e = Behaviour.Event(EventTypes.OrderCompleted, At, campaign, order: order, amount: amount);
        e["currency"] = currency;
        return e;
    }

    private static string Url(string campaign)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(At, TimeZoneInfo.FindSystemTimeZoneById(BehaviourApiFactory.TimeZone)).DateTime);
        return Behaviour.KpiUrl("campaign", campaign, today.AddDays(-1), today.AddDays(1));
    }
}
