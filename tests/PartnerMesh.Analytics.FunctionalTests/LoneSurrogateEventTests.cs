using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// A lone UTF-16 surrogate escape (<c>"\ud800"</c>: valid JSON, but no text) in an event's id or time is that event's
/// rejection in the batch report like any bad value; it answered 500 and lost the batch's good events with it.
/// </summary>
public class LoneSurrogateEventTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private const string Placeholder = "@@lone-surrogate@@";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Theory]
    [InlineData("eventId", "\\ud800", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("eventId", "\\udc00", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("eventId", "x\\ud800", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("eventId", "\\ude00\\ud83d", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("id", "\\ud800", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("id", "\\ude00\\ud83d", BehaviourEventValidator.Reasons.InvalidEventId)]
    [InlineData("occurredAt", "\\ud800", BehaviourEventValidator.Reasons.InvalidField)]
    [InlineData("occurredAt", "x\\ud800", BehaviourEventValidator.Reasons.InvalidField)]
    [InlineData("occurredAt", "\\ude00\\ud83d", BehaviourEventValidator.Reasons.InvalidField)]
    [InlineData("timestamp", "\\ud800", BehaviourEventValidator.Reasons.InvalidField)]
    public async Task Event_WithALoneSurrogateInItsIdOrTime_IsRejected_AndTheGoodEventIsStored(string member, string escaped, string reason)
    {
        var now = DateTimeOffset.UtcNow;
        var good = Behaviour.Event(EventTypes.PageView, now.AddMinutes(-1));
        var bad = Behaviour.Event(EventTypes.PageView, now.AddMinutes(-1));
        if (member == "id")
        {
            bad.Remove("eventId");
        }
        else if (member == "timestamp")
        {
            bad.Remove("occurredAt");
        }

        bad[member] = Placeholder;
        var json = JsonSerializer.Serialize(new { events = new[] { bad, good } }, JsonSerializerOptions.Web)
            .Replace($"\"{Placeholder}\"", $"\"{escaped}\"", StringComparison.Ordinal);

        var response = await Storefront.PostAsync("/api/analytics/events", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var report = await response.ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);
        Assert.Equal([(string)good["eventId"]!], report.AcceptedIds);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((0, reason), (rejection.Index, rejection.Reason));
        Assert.True(await factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.EventId == (string)good["eventId"]!, Ct)));
    }
}
