using System.Net;
using System.Text;
using System.Text.Json;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The input rules every service shares: a JSON member given twice is refused, also inside an event (read as free-form
/// JSON), and an order id is what coupons, promotions and attribution take (no '/', no control characters, at most 100).
/// </summary>
public class InputRulesTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Fact]
    public async Task Batch_EventWithADuplicateMember_Returns400NamingIt()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        var json = $$"""{"events":[{"eventId":"{{Guid.NewGuid()}}","type":"order_completed","occurredAt":"{{at}}","orderId":"o-1","amount":10,"currency":"EUR","amount":1}]}""";

        var response = await Storefront.PostAsync("/api/analytics/events", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"events[0].amount\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("o/1")]
    [InlineData("..")]
    public async Task OrderCompleted_OrderIdOutsideTheSharedRule_IsRejectedAsInvalidField(string orderId)
    {
        var now = DateTimeOffset.UtcNow;
        var good = Behaviour.Event(EventTypes.PageView, now.AddMinutes(-1));
        var bad = Behaviour.Event(EventTypes.OrderCompleted, now.AddMinutes(-1), order: orderId, amount: 10m);

        var response = await Storefront.PostAsync([bad, good], Ct);

        var report = await response.ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((0, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
    }

    [Fact]
    public async Task OrderCompleted_OrderIdWithAControlCharacter_RefusesTheBatch_NamingTheMember()
    {
        // Control characters are refused while the body is read, before any event is judged (docs/api.md, "JSON bodies"):
        // the whole batch is a 400 naming the member, and nothing of it is stored.
        var now = DateTimeOffset.UtcNow;
        var good = Behaviour.Event(EventTypes.PageView, now.AddMinutes(-1));
        var bad = Behaviour.Event(EventTypes.OrderCompleted, now.AddMinutes(-1), order: "o\u00071", amount: 10m);

        var response = await Storefront.PostAsync([bad, good], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"events[0].orderId\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        var resent = await (await Storefront.PostAsync([good], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.OK);
        Assert.Equal(1, resent.Accepted);
    }

    [Fact]
    public async Task OrderCompleted_OrderIdOver100Characters_IsRejectedAsInvalidField()
    {
        var bad = Behaviour.Event(EventTypes.OrderCompleted, DateTimeOffset.UtcNow.AddMinutes(-1), order: new string('o', 101), amount: 10m);

        var response = await Storefront.PostAsync([bad], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejections = ((JsonElement)problem.Extensions["rejections"]!).Deserialize<List<EventRejection>>(JsonSerializerOptions.Web)!;
        Assert.Equal(BehaviourEventValidator.Reasons.InvalidField, Assert.Single(rejections).Reason);
    }

    [Fact]
    public async Task OrderCompleted_OrderIdWithHashAndSpace_IsAccepted()
    {
        var good = Behaviour.Event(EventTypes.OrderCompleted, DateTimeOffset.UtcNow.AddMinutes(-1), order: $"ord #{Guid.NewGuid():N}", amount: 10m);

        var report = await (await Storefront.PostAsync([good], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.OK);

        Assert.Equal(1, report.Accepted);
    }
}
