using System.Globalization;
using System.Text.Json;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Orders;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>Checks one behaviour event against the server's clock; pure, so every rule is unit-tested.</summary>
public sealed class BehaviourEventValidator(IngestionOptions options)
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 500;
    public const decimal MaxAmount = 1_000_000_000m;

    /// <summary>
    /// Strict about types like every API body (<c>AddWebApiDefaults</c>): an amount sent as <c>"84.50"</c> is invalid_event.
    /// Times are read as RFC 3339 (<see cref="Rfc3339"/>), which allows what the runtime's reader refuses (a lower-case
    /// <c>t</c> or <c>z</c>).
    /// </summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        // An amount a decimal cannot hold exactly (1e-30, 30 significant digits) is refused, not rounded (as in every body).
        Converters = { new Rfc3339.Converter(), new ExactDecimalConverter() },
    };

    public static class Reasons
    {
        public const string MissingEventId = "missing_event_id";
        public const string InvalidEventId = "invalid_event_id";
        public const string InvalidEvent = "invalid_event";
        public const string UnknownType = "unknown_type";
        public const string MissingTimestamp = "missing_timestamp";
        public const string FutureTimestamp = "future_timestamp";
        public const string AncientTimestamp = "ancient_timestamp";
        public const string MissingField = "missing_field";
        public const string InvalidField = "invalid_field";
        public const string OrderAlreadyCounted = "order_already_counted";
    }

    /// <summary>Returns the normalized event, or the rejection.</summary>
    public (string? EventId, AnalyticsEvent? Event, EventRejection? Rejection) Validate(int index, JsonElement element, DateTimeOffset now)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Reject(index, null, Reasons.InvalidEvent, "An event is a JSON object.");
        }

        string? eventId = null;
        if (element.TryGetProperty("eventId", out var idElement) | element.TryGetProperty("id", out var aliasElement))
        {
            if (idElement.ValueKind == JsonValueKind.Undefined)
            {
                idElement = aliasElement;
            }
            else if (aliasElement.ValueKind != JsonValueKind.Undefined && !JsonElement.DeepEquals(aliasElement, idElement))
            {
                var given = idElement.ValueKind == JsonValueKind.String && TryGetText(idElement, out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
                return Reject(index, given, Reasons.InvalidField, "'id' is another name for 'eventId'; this event gives two different ids.");
            }

            if (idElement.ValueKind == JsonValueKind.String)
            {
                if (!TryGetText(idElement, out eventId))
                {
                    return Reject(index, null, Reasons.InvalidEventId, "'eventId' is not text: it holds a lone UTF-16 surrogate escape (e.g. \\ud800).");
                }
            }
            else if (idElement.ValueKind != JsonValueKind.Null)
            {
                return Reject(index, null, Reasons.InvalidEventId, "'eventId' is a string.");
            }
        }

        if (string.IsNullOrWhiteSpace(eventId))
        {
            return Reject(index, null, Reasons.MissingEventId, "Every event needs an 'eventId': resent events are counted once by it.");
        }

        if (eventId.Length > MaxIdLength || eventId.Trim().Length != eventId.Length)
        {
            return Reject(index, null, Reasons.InvalidEventId, $"'eventId' has 1 to {MaxIdLength} characters without surrounding spaces.");
        }

        BehaviourEventRequest request;
        try
        {
            request = element.Deserialize<BehaviourEventRequest>(Json)!;
        }
        catch (JsonException exception)
        {
            // Names the field, not the runtime's types: '$.amount' → 'amount'.
            var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            if (field is not null && TimeProblem(element, field) is { } timeProblem)
            {
                return Reject(index, eventId, Reasons.InvalidField, timeProblem);
            }

            if (field is not null && exception.Message == ExactDecimalConverter.InexactMessage)
            {
                return Reject(index, eventId, Reasons.InvalidField, $"'{Truncate(field)}' has more digits than a number here keeps (28 significant digits at most): it would be rounded.");
            }

            return Reject(index, eventId, Reasons.InvalidEvent, field is null
                ? "The event does not match the schema (malformed JSON)."
                : $"'{Truncate(field)}' has the wrong type: see the event schema in docs/analytics.md (numbers are JSON numbers, not strings).");
        }

        if (string.IsNullOrWhiteSpace(request.Type))
        {
            return Reject(index, eventId, Reasons.UnknownType, "'type' is required.");
        }

        if (!EventTypes.Behaviour.Contains(request.Type))
        {
            return Reject(index, eventId, Reasons.UnknownType,
                $"Unknown event type '{Truncate(request.Type)}'; known: {string.Join(", ", EventTypes.Behaviour.Order(StringComparer.Ordinal))}.");
        }

        if (request is { OccurredAt: { } at, Timestamp: { } timestamp } && at != timestamp)
        {
            return Reject(index, eventId, Reasons.InvalidField, "'timestamp' is another name for 'occurredAt'; this event gives two different times.");
        }

        if ((request.OccurredAt ?? request.Timestamp) is not { } occurredAt)
        {
            return Reject(index, eventId, Reasons.MissingTimestamp, "'occurredAt' (ISO 8601 with an offset) is required.");
        }

        if (occurredAt > now + options.MaxClockSkew)
        {
            return Reject(index, eventId, Reasons.FutureTimestamp,
                $"'occurredAt' is more than {options.MaxClockSkew.TotalMinutes:0.#} minutes ahead of the server's clock.");
        }

        if (occurredAt < now - options.MaxEventAge)
        {
            return Reject(index, eventId, Reasons.AncientTimestamp, $"'occurredAt' is older than {options.MaxEventAge.TotalDays:0.#} days.");
        }

        var fieldProblem = CheckFields(request);
        if (fieldProblem is { } problem)
        {
            return Reject(index, eventId, problem.Reason, problem.Detail);
        }

        return (eventId, new AnalyticsEvent
        {
            Type = request.Type,
            OccurredAt = occurredAt.ToUniversalTime(),
            // A customer id is keyed trimmed (the shared CustomerIds rule, as coupons keys it): ' c-42 ' is c-42.
            VisitorId = Blank(request.VisitorId) ?? Blank(request.CustomerId)?.Trim() ?? Blank(request.SessionId),
            CustomerId = Blank(request.CustomerId)?.Trim(),
            SessionId = Blank(request.SessionId),
            CartId = Blank(request.CartId),
            OrderId = Blank(request.OrderId),
            Email = Blank(request.Email) ?? Blank(request.CustomerEmail),
            ProductId = Blank(request.ProductId),
            Quantity = request.Quantity,
            Amount = request.Amount,
            Currency = request.Currency?.ToUpperInvariant(),
            ClickId = request.ClickId,
            PartnerId = request.PartnerId,
            UtmSource = DimensionValues.TakeIn(request.UtmSource),
            UtmMedium = DimensionValues.TakeIn(request.UtmMedium),
            UtmCampaign = DimensionValues.TakeIn(request.UtmCampaign),
            Touchpoint = DimensionValues.TakeIn(request.Touchpoint),
            CouponCode = Blank(request.CouponCode),
        }, null);
    }

    private static (string Reason, string Detail)? CheckFields(BehaviourEventRequest request)
    {
        foreach (var (name, value) in new[]
                 {
                     ("visitorId", request.VisitorId), ("sessionId", request.SessionId),
                     ("cartId", request.CartId), ("orderId", request.OrderId), ("productId", request.ProductId),
                 })
        {
            if (value is { Length: > MaxIdLength })
            {
                return (Reasons.InvalidField, $"'{name}' has at most {MaxIdLength} characters.");
            }
        }

        // The shared rule (OrderIds): the order is known under the same id in coupons, promotions and attribution.
        if (Blank(request.OrderId) is { } orderId && !OrderIds.IsValid(orderId))
        {
            return (Reasons.InvalidField, $"'orderId': {OrderIds.Rule}");
        }

        // The shared rule (CustomerIds): a cart's customer id owns its abandoned-cart offers, fetched by that id in coupons' path.
        if (Blank(request.CustomerId) is { } customerId && !CustomerIds.IsValid(customerId))
        {
            return (Reasons.InvalidField, $"'customerId': {CustomerIds.Rule}");
        }

        // The nil id names no partner (coupons and attribution refuse it too; direct traffic has no partnerId).
        if (request.PartnerId == Guid.Empty)
        {
            return (Reasons.InvalidField, "'partnerId' is a partner id or absent, never the nil id 00000000-0000-0000-0000-000000000000.");
        }

        if (Blank(request.Email) is { } email && Blank(request.CustomerEmail) is { } customerEmail && email != customerEmail)
        {
            return (Reasons.InvalidField, "'customerEmail' is another name for 'email'; this event gives two different addresses.");
        }

        foreach (var (name, value) in new[]
                 {
                     ("email", request.Email), ("customerEmail", request.CustomerEmail), ("utmSource", request.UtmSource),
                     ("utmMedium", request.UtmMedium), ("utmCampaign", request.UtmCampaign), ("touchpoint", request.Touchpoint), ("couponCode", request.CouponCode),
                 })
        {
            if (value is { Length: > MaxTextLength })
            {
                return (Reasons.InvalidField, $"'{name}' has at most {MaxTextLength} characters.");
            }
        }

        if (EventTypes.CartEvents.Contains(request.Type!) && string.IsNullOrWhiteSpace(request.CartId))
        {
            return (Reasons.MissingField, $"'cartId' is required for {request.Type}.");
        }

        if (request.Type == EventTypes.OrderCompleted)
        {
            if (string.IsNullOrWhiteSpace(request.OrderId))
            {
                return (Reasons.MissingField, "'orderId' is required for order_completed.");
            }

            if (request.Amount is null)
            {
                return (Reasons.MissingField, "'amount' (the order total) is required for order_completed.");
            }
        }

        if (request.Amount is { } amount)
        {
            if (amount < 0 || amount > MaxAmount)
            {
                return (Reasons.InvalidField, $"'amount' is between 0 and {MaxAmount}.");
            }

            if (!IsCurrency(request.Currency))
            {
                return (Reasons.InvalidField, $"'currency' is required with an amount: {Kpis.CurrencyCode.Rule}");
            }

            if (!Kpis.CurrencyCode.Fits(amount, request.Currency!))
            {
                return (Reasons.InvalidField, string.Create(CultureInfo.InvariantCulture,
                    $"'amount' {amount} is over-precise: {request.Currency!.ToUpperInvariant()} has {Kpis.CurrencyCode.MinorUnitsOf(request.Currency!)} decimal places."));
            }
        }
        else if (request.Currency is not null && !IsCurrency(request.Currency))
        {
            return (Reasons.InvalidField, $"'currency': {Kpis.CurrencyCode.Rule}");
        }

        if (request.Quantity is < 1 or > 100_000)
        {
            return (Reasons.InvalidField, "'quantity' is between 1 and 100000.");
        }

        return null;
    }

    /// <summary>
    /// Why the time in <paramref name="field"/> (<c>occurredAt</c> or <c>timestamp</c>) is refused, when it is a string
    /// that is not an RFC 3339 date-time: a field-level problem like any bad value, not a wrong JSON type.
    /// </summary>
    private static string? TimeProblem(JsonElement element, string field)
    {
        if (!field.Equals("occurredAt", StringComparison.OrdinalIgnoreCase) && !field.Equals("timestamp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var value = element.EnumerateObject().FirstOrDefault(property => property.Name.Equals(field, StringComparison.OrdinalIgnoreCase)).Value;
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        if (!TryGetText(value, out var text))
        {
            return $"'{field}' is not an RFC 3339 date-time (e.g. {Rfc3339.Example}): it holds a lone UTF-16 surrogate escape.";
        }

        return !Rfc3339.TryParse(text!, out _, out var error)
            ? $"'{field}' is not an RFC 3339 date-time (e.g. {Rfc3339.Example}): {error}."
            : null;
    }

    /// <summary>
    /// A JSON string's text, unless it holds a lone surrogate escape (<c>"\ud800"</c>, a reversed pair): valid JSON, but
    /// no text, so <see cref="JsonElement.GetString"/> throws (the deserializer reports it as a bad field itself).
    /// </summary>
    private static bool TryGetText(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static bool IsCurrency(string? currency) => Kpis.CurrencyCode.IsValid(currency);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static (string?, AnalyticsEvent?, EventRejection?) Reject(int index, string? eventId, string reason, string detail) =>
        (eventId, null, new EventRejection(index, eventId, reason, detail));
}
