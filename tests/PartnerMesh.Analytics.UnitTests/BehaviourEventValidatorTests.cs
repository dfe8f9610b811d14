using System.Text.Json;
using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Ingestion;
using Xunit;
using static PartnerMesh.Analytics.Api.Ingestion.BehaviourEventValidator;

namespace PartnerMesh.Analytics.UnitTests;

public class BehaviourEventValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static readonly BehaviourEventValidator Validator = new(new IngestionOptions
    {
        MaxClockSkew = TimeSpan.FromMinutes(5),
        MaxEventAge = TimeSpan.FromDays(7),
    });

    private static (string? Id, AnalyticsEvent? Event, EventRejection? Rejection) Validate(string json) =>
        Validator.Validate(3, JsonDocument.Parse(json).RootElement, Now);

    [Fact]
    public void AmountSentAsAString_IsInvalidEvent_NamingTheField()
    {
        var (_, _, rejection) = Validate("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":"84.50","currency":"EUR"}""");

        Assert.Equal(Reasons.InvalidEvent, rejection!.Reason);
        Assert.StartsWith("'amount' has the wrong type", rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidPageView_IsNormalized()
    {
        var (id, e, rejection) = Validate("""{"eventId":"e1","type":"page_view","occurredAt":"2026-12-05T13:00:00+01:00","visitorId":"v","utmSource":"Google"}""");

        Assert.Null(rejection);
        Assert.Equal("e1", id);
        Assert.Equal((Now, "google"), (e!.OccurredAt, e.UtmSource));
    }

    [Theory]
    [InlineData("""{"type":"page_view","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.MissingEventId)]
    [InlineData("""{"eventId":"  ","type":"page_view","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.MissingEventId)]
    [InlineData("""{"eventId":42,"type":"page_view","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.InvalidEventId)]
    [InlineData("""{"eventId":"e","type":"teleport","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.UnknownType)]
    [InlineData("""{"eventId":"e","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.UnknownType)]
    [InlineData("""{"eventId":"e","type":"page_view"}""", Reasons.MissingTimestamp)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":"2026-12-05T12:05:01Z"}""", Reasons.FutureTimestamp)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":"2026-11-28T11:59:59Z"}""", Reasons.AncientTimestamp)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":"2026-12-05T12:00:00"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":"not a date"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":42}""", Reasons.InvalidEvent)]
    [InlineData("""{"eventId":"e","type":"add_to_cart","occurredAt":"2026-12-05T12:00:00Z"}""", Reasons.MissingField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","amount":5,"currency":"EUR"}""", Reasons.MissingField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o"}""", Reasons.MissingField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":-1,"currency":"EUR"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":1}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":1.00001,"currency":"EUR"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"add_to_cart","occurredAt":"2026-12-05T12:00:00Z","cartId":"c","quantity":0}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":5,"currency":"XYZ"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":5,"currency":"XXX"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":10.5,"currency":"JPY"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":10.123,"currency":"EUR"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"add_to_cart","occurredAt":"2026-12-05T12:00:00Z","cartId":"c","amount":1.5,"currency":"KRW"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":39.9999999999999999999999999999,"currency":"EUR"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":1e-30,"currency":"EUR"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"page_view","occurredAt":"2026-12-05T12:00:00Z","currency":"ABC"}""", Reasons.InvalidField)]
    [InlineData("""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":"84.50","currency":"EUR"}""", Reasons.InvalidEvent)]
    [InlineData("""{"eventId":"e","type":"add_to_cart","occurredAt":"2026-12-05T12:00:00Z","cartId":"c","quantity":"2"}""", Reasons.InvalidEvent)]
    [InlineData("""["not","an","object"]""", Reasons.InvalidEvent)]
    public void BadEvent_IsRejectedWithItsReason(string json, string reason)
    {
        var (_, e, rejection) = Validate(json);

        Assert.Null(e);
        Assert.Equal((3, reason), (rejection!.Index, rejection.Reason));
    }

    [Theory]
    [InlineData("10", "JPY")]
    [InlineData("10.10", "EUR")]
    [InlineData("1.234", "KWD")]
    [InlineData("1.2345", "CLF")]
    [InlineData("5", "usd")]
    public void Amount_WithinItsCurrencysMinorUnit_IsAccepted(string amount, string currency)
    {
        var (_, e, rejection) = Validate($$"""{"eventId":"e","type":"order_completed","occurredAt":"2026-12-05T12:00:00Z","orderId":"o","amount":{{amount}},"currency":"{{currency}}"}""");

        Assert.Null(rejection);
        Assert.Equal(currency.ToUpperInvariant(), e!.Currency);
    }

    [Fact]
    public void EventAtTheEdges_OfSkewAndAge_IsAccepted()
    {
        Assert.Null(Validate("""{"eventId":"e","type":"page_view","occurredAt":"2026-12-05T12:05:00Z"}""").Rejection);
        Assert.Null(Validate("""{"eventId":"e","type":"page_view","occurredAt":"2026-11-28T12:00:00Z"}""").Rejection);
    }

    [Fact]
    public void TimestampAndIdAliases_AreAccepted()
    {
        var (id, e, _) = Validate("""{"id":"alias","type":"product_view","timestamp":"2026-12-05T11:00:00Z"}""");

        Assert.Equal(("alias", Now.AddHours(-1)), (id, e!.OccurredAt));
    }

    [Theory]
    [InlineData("2026-12-05t11:00:00z", "2026-12-05T11:00:00Z")]
    [InlineData("2026-12-05T12:00:00.1234567891+01:00", "2026-12-05T11:00:00.1234567Z")]
    [InlineData("2026-12-05T11:00Z", "2026-12-05T11:00:00Z")]
    [InlineData("2026-12-06T01:01:00+14:01", "2026-12-05T11:00:00Z")]
    [InlineData("2026-12-04T23:00:00-12:00", "2026-12-05T11:00:00Z")]
    [InlineData("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.9999999Z")]
    public void Rfc3339Time_InAnyCaseAndWithAnyOffsetItAllows_IsAcceptedInUtc(string time, string utc)
    {
        var validator = new BehaviourEventValidator(new IngestionOptions { MaxClockSkew = TimeSpan.FromMinutes(5), MaxEventAge = TimeSpan.FromDays(36500) });

        var (_, e, rejection) = validator.Validate(0, JsonDocument.Parse($$"""{"eventId":"e","type":"page_view","occurredAt":"{{time}}"}""").RootElement, Now);

        Assert.Null(rejection);
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), e!.OccurredAt);
        Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
    }

    [Theory]
    [InlineData("occurredAt", "2026-12-05T12:00:00+25:00", "the offset +25:00 is out of range")]
    [InlineData("occurredAt", "2026-12-05T12:00:00+01:60", "the offset +01:60 is out of range")]
    [InlineData("occurredAt", "2026-12-05T12:00:00", "no UTC offset")]
    [InlineData("occurredAt", "2026-12-05", "expected yyyy-MM-ddTHH:mm:ss")]
    [InlineData("occurredAt", "2026-02-30T12:00:00Z", "out of range")]
    [InlineData("occurredAt", "2026-12-05T12:00:00+0100", "expected yyyy-MM-ddTHH:mm:ss")]
    [InlineData("timestamp", "2026-12-05T24:00:00Z", "out of range")]
    [InlineData("occurredAt", "0001-01-01T00:00:00+14:00", "out of range")]
    public void TimeThatIsNotRfc3339_IsAnInvalidField_NamingTheFieldAndWhy(string field, string time, string why)
    {
        var (_, e, rejection) = Validate($$"""{"eventId":"e","type":"page_view","{{field}}":"{{time}}"}""");

        Assert.Null(e);
        Assert.Equal(Reasons.InvalidField, rejection!.Reason);
        Assert.StartsWith($"'{field}' is not an RFC 3339 date-time", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains(why, rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("JSON numbers", rejection.Detail, StringComparison.Ordinal);
    }
}
