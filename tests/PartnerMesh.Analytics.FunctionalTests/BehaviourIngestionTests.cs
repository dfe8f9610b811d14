using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class BehaviourIngestionTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Storefront => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    [Fact]
    public async Task Batch_Resent_IsCountedOnce_AndADuplicateIdInTheBatchIsADuplicateCountedOnce()
    {
        var campaign = $"resend-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var view = Behaviour.Event(EventTypes.PageView, at, campaign);
        var batch = new object[] { view, Behaviour.Event(EventTypes.PageView, at, campaign), view };

        // The same id twice in one batch is what a resend across batches is: accepted, stored and counted once.
        var first = await (await Storefront.PostAsync(batch, Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.OK);
        var resent = await (await Storefront.PostAsync(batch[..2], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.OK);

        Assert.Equal((2, 1, 0), (first.Accepted, first.Duplicates, first.Rejected));
        Assert.Equal([(string)view["eventId"]!], first.DuplicateIds);
        Assert.Equal((0, 2), (resent.Accepted, resent.Duplicates));
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(BehaviourApiFactory.TimeZone)).DateTime);
        var url = Behaviour.KpiUrl("campaign", campaign, today.AddDays(-1), today.AddDays(1));
        var report = await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().PageViews > 0, Ct);
        Assert.Equal(2, report.Total().PageViews);
        var ids = batch.Select(e => (string)((Dictionary<string, object?>)e)["eventId"]!).Distinct().ToList();
        Assert.Equal(2, await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => ids.Contains(raw.EventId), Ct)));
    }

    [Theory]
    [InlineData("invalid_field")]
    [InlineData("unknown_type")]
    public async Task SameIdTwiceInABatch_AfterARefusedFirstCopy_IsRefusedWithIt_AndNothingIsStored(string reason)
    {
        var (bad, good) = Copies(reason);

        var response = await Storefront.PostAsync([bad, good], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var rejections = ((JsonElement)problem.Extensions["rejections"]!).Deserialize<List<EventRejection>>(JsonSerializerOptions.Web)!;
        Assert.Equal([(0, reason), (1, reason)], rejections.Select(r => (r.Index, r.Reason)));
        Assert.False(await factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.EventId == (string)good["eventId"]!, Ct)));
    }

    [Theory]
    [InlineData("invalid_field")]
    [InlineData("unknown_type")]
    public async Task SameIdTwiceInABatch_AfterAnAcceptedFirstCopy_IsADuplicate_NotARejection(string reason)
    {
        var (bad, good) = Copies(reason);

        var report = await (await Storefront.PostAsync([good, bad], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.OK);

        var id = (string)good["eventId"]!;
        Assert.Equal([id], report.AcceptedIds);
        Assert.Equal([id], report.DuplicateIds);
        Assert.Empty(report.Rejections);
        var stored = await factory.QueryDbAsync(db => db.RawEvents.SingleAsync(raw => raw.EventId == id, Ct));
        Assert.Equal(40m, JsonSerializer.Deserialize<AnalyticsEvent>(stored.Payload, EventLog.Json)!.Amount);
    }

    /// <summary>Two events under one id for one order: one the validator refuses for <paramref name="reason"/>, one good (40 EUR).</summary>
    private static (Dictionary<string, object?> Bad, Dictionary<string, object?> Good) Copies(string reason)
    {
        var (at, id, order) = (DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid().ToString(), $"o-{Guid.NewGuid():N}");
        var good = Behaviour.Event(EventTypes.OrderCompleted, at, order: order, amount: 40m, eventId: id);
        var bad = reason == BehaviourEventValidator.Reasons.UnknownType
            ? Behaviour.Event("teleport", at, order: order, amount: 40m, eventId: id)
            : Behaviour.Event(EventTypes.OrderCompleted, at, order: order, amount: -1m, eventId: id);
        return (bad, good);
    }

    [Theory]
    [InlineData("XYZ", "10", "ISO 4217")]
    [InlineData("XXX", "10", "ISO 4217")]
    [InlineData("XAU", "10", "ISO 4217")]
    [InlineData("JPY", "10.5", "over-precise: JPY has 0 decimal places")]
    [InlineData("EUR", "10.123", "over-precise: EUR has 2 decimal places")]
    [InlineData("KWD", "1.2345", "over-precise: KWD has 3 decimal places")]
    public async Task Order_InACodeThatIsNoActiveCurrency_OrOverPreciseForItsCurrency_IsRejectedAndStoresNothing(string currency, string amount, string detail)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var good = Behaviour.Event(EventTypes.PageView, now);
        var order = Behaviour.Event(EventTypes.OrderCompleted, now, order: $"o-{Guid.NewGuid():N}", amount: decimal.Parse(amount, CultureInfo.InvariantCulture));
        order["currency"] = currency;

        var report = await (await Storefront.PostAsync([good, order], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((1, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
        Assert.Contains(detail, rejection.Detail, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.EventId == (string)order["eventId"]!, Ct)));
    }

    [Theory]
    [InlineData("JPY", "10")]
    [InlineData("EUR", "10.10")]
    [InlineData("KWD", "1.234")]
    [InlineData("CLF", "1.2345")]
    [InlineData("usd", "5")]
    public async Task Order_InAnActiveCurrency_WithinItsMinorUnit_IsAccepted(string currency, string amount)
    {
        var order = Behaviour.Event(EventTypes.OrderCompleted, DateTimeOffset.UtcNow.AddMinutes(-1), order: $"o-{Guid.NewGuid():N}",
            amount: decimal.Parse(amount, CultureInfo.InvariantCulture));
        order["currency"] = currency;

        var report = await factory.IngestAsync([order], Ct);

        Assert.Equal(1, report.Accepted);
    }

    [Fact]
    public async Task EventTimes_AsRfc3339AllowsThem_AreAccepted_InUtc_AndAnOffsetOutOfRange_IsAnInvalidFieldNamingOccurredAt()
    {
        var utc = new DateTimeOffset(DateTime.UtcNow.AddMinutes(-10).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        Dictionary<string, object?> At(string occurredAt)
        {
            var e = Behaviour.Event(EventTypes.PageView, utc);
            e["occurredAt"] = occurredAt;
            return e;
        }

        var lowerCase = At(utc.ToString("yyyy-MM-dd't'HH:mm:ss'z'", CultureInfo.InvariantCulture));
        var farEast = At((utc.UtcDateTime + new TimeSpan(14, 1, 0)).ToString("yyyy-MM-dd'T'HH:mm:ss'+14:01'", CultureInfo.InvariantCulture));
        var outOfRange = At(utc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+25:00'", CultureInfo.InvariantCulture));

        var report = await (await Storefront.PostAsync([lowerCase, farEast, outOfRange], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)lowerCase["eventId"]!, (string)farEast["eventId"]!], report.AcceptedIds);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((2, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
        Assert.StartsWith("'occurredAt' is not an RFC 3339 date-time", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("+25:00", rejection.Detail, StringComparison.Ordinal);
        string[] accepted = [(string)lowerCase["eventId"]!, (string)farEast["eventId"]!];
        var stored = await factory.QueryDbAsync(db => db.RawEvents.Where(raw => accepted.Contains(raw.EventId)).Select(raw => raw.OccurredAt).ToListAsync(Ct));
        Assert.Equal([utc, utc], stored);
    }

    [Fact]
    public async Task Batch_WithBadEvents_Returns207WithEachRejectionAndStoresTheGoodOnes()
    {
        var now = DateTimeOffset.UtcNow;
        var good = Behaviour.Event(EventTypes.ProductView, now.AddMinutes(-1));
        var noId = Behaviour.Event(EventTypes.PageView, now);
        noId.Remove("eventId");
        var unknown = Behaviour.Event("teleport", now);
        var future = Behaviour.Event(EventTypes.PageView, now.AddHours(2));
        var ancient = Behaviour.Event(EventTypes.PageView, now.AddYears(-20));
        var orderWithoutId = Behaviour.Event(EventTypes.OrderCompleted, now, amount: 10m);
        var negative = Behaviour.Event(EventTypes.OrderCompleted, now, order: "o-neg", amount: -5m);
        var cartWithoutCart = Behaviour.Event(EventTypes.AddToCart, now);
        var wrongType = Behaviour.Event(EventTypes.PageView, now);
        wrongType["quantity"] = "many";

        var response = await Storefront.PostAsync([good, noId, unknown, future, ancient, orderWithoutId, negative, cartWithoutCart, wrongType], Ct);

        var report = await response.ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);
        Assert.Equal([(string)good["eventId"]!], report.AcceptedIds);
        Assert.Equal(
            [
                (1, BehaviourEventValidator.Reasons.MissingEventId),
                (2, BehaviourEventValidator.Reasons.UnknownType),
                (3, BehaviourEventValidator.Reasons.FutureTimestamp),
                (4, BehaviourEventValidator.Reasons.AncientTimestamp),
                (5, BehaviourEventValidator.Reasons.MissingField),
                (6, BehaviourEventValidator.Reasons.InvalidField),
                (7, BehaviourEventValidator.Reasons.MissingField),
                (8, BehaviourEventValidator.Reasons.InvalidEvent),
            ],
            report.Rejections.Select(r => (r.Index, r.Reason)));
        Assert.Equal((string)unknown["eventId"]!, report.Rejections[1].EventId);
        var stored = await factory.QueryDbAsync(db => db.RawEvents.Where(raw => raw.EventId == (string)unknown["eventId"]! || raw.EventId == (string)good["eventId"]!).CountAsync(Ct));
        Assert.Equal(1, stored);
    }

    [Fact]
    public async Task Batch_EveryEventBad_Returns422ProblemWithRejections()
    {
        var response = await Storefront.PostAsync([Behaviour.Event("nope", DateTimeOffset.UtcNow)], Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.Extensions.ContainsKey("rejections"));
    }

    [Fact]
    public async Task Batch_MalformedJson_Returns400Problem()
    {
        using var content = new StringContent("{\"events\": [ {\"eventId\": ", Encoding.UTF8, "application/json");
        var response = await Storefront.PostAsync("/api/analytics/events", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_EventsNotAnArray_Returns400Problem()
    {
        var response = await Storefront.PostAsJsonAsync("/api/analytics/events", new { events = "all of them" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_Empty_Returns400Problem()
    {
        var response = await Storefront.PostAsJsonAsync("/api/analytics/events", new { events = Array.Empty<object>() }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_OfTenMegabytes_Returns413ProblemAndStoresNothing()
    {
        var marker = $"huge-{Guid.NewGuid():N}";
        var padding = new string('x', 10 * 1024 * 1024);
        var body = $"{{\"events\":[{{\"eventId\":\"{marker}\",\"type\":\"page_view\",\"occurredAt\":\"{DateTimeOffset.UtcNow:O}\",\"visitorId\":\"{padding}\"}}]}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await Storefront.PostAsync("/api/analytics/events", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(await factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => raw.EventId == marker, Ct)));
    }

    [Fact]
    public async Task Batch_WithTooManyEvents_Returns413ProblemAndStoresNothing()
    {
        var events = Enumerable.Range(0, 501).Select(_ => Behaviour.Event(EventTypes.PageView, DateTimeOffset.UtcNow)).ToList();
        var ids = events.Select(e => (string)e["eventId"]!).ToList();

        var response = await Storefront.PostAsync(events, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(await factory.QueryDbAsync(db => db.RawEvents.AnyAsync(raw => ids.Contains(raw.EventId), Ct)));
    }

    [Fact]
    public async Task Batch_WithoutToken_Returns401_AndFromAPartner_Returns403()
    {
        var events = new object[] { Behaviour.Event(EventTypes.PageView, DateTimeOffset.UtcNow) };

        var anonymous = await factory.CreateAnonymousClient().PostAsync(events, Ct);
        var partner = await factory.CreatePartnerClient(Guid.NewGuid()).PostAsync(events, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, partner.StatusCode);
    }

    [Fact]
    public async Task Batch_RecordsTheEventAsNormalized()
    {
        var e = Behaviour.Event(EventTypes.AddToCart, DateTimeOffset.UtcNow, cart: "c-norm", amount: 12.5m, source: "NewsLetter");

        await factory.IngestAsync([e], Ct);

        var raw = await factory.QueryDbAsync(db => db.RawEvents.SingleAsync(r => r.EventId == (string)e["eventId"]!, Ct));
        var stored = JsonSerializer.Deserialize<AnalyticsEvent>(raw.Payload, EventLog.Json)!;
        Assert.Equal(("add_to_cart", "c-norm", 12.5m, "EUR", "newsletter"), (stored.Type, stored.CartId, stored.Amount, stored.Currency, stored.UtmSource));
    }

    [Fact]
    public async Task ShoppersEmail_IsTakenFromEmailOrCustomerEmail_AndTwoDifferentAddressesAreAnInvalidField()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        Dictionary<string, object?> Cart(string? email, string? customerEmail)
        {
            var e = Behaviour.Event(EventTypes.AddToCart, at, cart: $"c-{Guid.NewGuid():N}");
            (e["email"], e["customerEmail"]) = (email, customerEmail);
            return e;
        }

        var byEmail = Cart("a@example.com", null);
        var byAlias = Cart(null, "b@example.com");
        var both = Cart("c@example.com", "c@example.com");
        var differing = Cart("d@example.com", "e@example.com");

        var report = await (await Storefront.PostAsync([byEmail, byAlias, both, differing], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((3, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
        Assert.Contains("'customerEmail'", rejection.Detail, StringComparison.Ordinal);
        string[] ids = [(string)byEmail["eventId"]!, (string)byAlias["eventId"]!, (string)both["eventId"]!];
        var stored = await factory.QueryDbAsync(db => db.RawEvents.Where(raw => ids.Contains(raw.EventId)).ToListAsync(Ct));
        var emails = stored.ToDictionary(raw => raw.EventId, raw => JsonSerializer.Deserialize<AnalyticsEvent>(raw.Payload, EventLog.Json)!.Email);
        Assert.Equal(["a@example.com", "b@example.com", "c@example.com"], ids.Select(id => emails[id]));
    }

    [Fact]
    public async Task CustomerId_OverTheOtherServicesLimit_IsAnInvalidFieldNamingIt()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var longest = Behaviour.Event(EventTypes.PageView, at, customer: new string('c', 100));
        var tooLong = Behaviour.Event(EventTypes.PageView, at, customer: new string('c', 101));

        var report = await (await Storefront.PostAsync([longest, tooLong], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)longest["eventId"]!], report.AcceptedIds);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((1, BehaviourEventValidator.Reasons.InvalidField), (rejection.Index, rejection.Reason));
        Assert.StartsWith("'customerId': A customer id has 1 to 100 characters", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerId_CouponsOffersLookupCannotAddress_IsAnInvalidFieldNamingIt()
    {
        // A cart's customer id owns its abandoned-cart offer, fetched at /api/coupons/customers/{id}/offers: the shared rule.
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var dotted = Behaviour.Event(EventTypes.PageView, at, customer: "ann.b..c");
        var slash = Behaviour.Event(EventTypes.PageView, at, customer: "a/b");
        var dot = Behaviour.Event(EventTypes.PageView, at, customer: ".");
        var dots = Behaviour.Event(EventTypes.PageView, at, customer: "..");

        var report = await (await Storefront.PostAsync([dotted, slash, dot, dots], Ct)).ShouldBeAsync<BatchReport>(HttpStatusCode.MultiStatus);

        Assert.Equal([(string)dotted["eventId"]!], report.AcceptedIds);
        Assert.Equal([1, 2, 3], report.Rejections.Select(rejection => rejection.Index));
        Assert.All(report.Rejections, rejection =>
        {
            Assert.Equal(BehaviourEventValidator.Reasons.InvalidField, rejection.Reason);
            Assert.Contains("no '/'", rejection.Detail, StringComparison.Ordinal);
        });
    }
}
