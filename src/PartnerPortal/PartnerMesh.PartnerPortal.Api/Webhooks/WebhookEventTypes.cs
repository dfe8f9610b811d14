using System.Collections.Frozen;
using PartnerMesh.Contracts;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Contracts.Surveys;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Event types as subscriptions name them: the wire name without prefix and version (<c>attribution.conversion-attributed</c>).
/// Partners may subscribe only to events that carry a partner id (they get those about themselves), show no more of a
/// single shopper than the partner's own conversions and commissions do (<see cref="PartnerRefusal"/>), and have a
/// partner-facing payload (<see cref="PartnerWebhookPayloads"/>): what a partner receives is that, never the event.
/// </summary>
public static class WebhookEventTypes
{
    public const string All = "*";

    /// <summary>Properties that identify one shopper (or their browser): an event carrying one is never sent to a partner.</summary>
    private static readonly string[] ShopperProperties = ["VisitorId", "CustomerId", "CustomerKey", "StickyId", "CheckoutId"];

    /// <summary>Checks of an order's pricing: their partner id is the order's traffic source, not necessarily the partner credited.</summary>
    private static readonly Type[] OrderPricingEvents = [typeof(OrderPromotionsVerified), typeof(QuoteMismatchDetected)];

    private static readonly FrozenDictionary<Type, string> NameByType = IntegrationEventTypes.All.ToFrozenDictionary(type => type, NameOf);

    private static readonly FrozenDictionary<Type, string?> RefusalByType = IntegrationEventTypes.All.ToFrozenDictionary(type => type, RefusalOf);

    public static IReadOnlySet<string> Names { get; } = NameByType.Values.ToFrozenSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> PartnerNames { get; } =
        NameByType.Where(pair => RefusalByType[pair.Key] is null).Select(pair => pair.Value).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> RefusalByName =
        NameByType.Where(pair => RefusalByType[pair.Key] is not null)
            .ToFrozenDictionary(pair => pair.Value, pair => RefusalByType[pair.Key]!, StringComparer.Ordinal);

    public static string Of(Type eventType) => NameByType.TryGetValue(eventType, out var name) ? name : NameOf(eventType);

    /// <summary>Why partners may not subscribe to a known event type; <c>null</c> when they may.</summary>
    public static string? PartnerRefusal(string name) => RefusalByName.GetValueOrDefault(name);

    /// <summary>The partners whose subscriptions get the event, each with its payload; none for types partners may not receive.</summary>
    public static IReadOnlyList<PartnerPayload> PartnerPayloadsOf(IIntegrationEvent message) =>
        RefusalByType.TryGetValue(message.GetType(), out var refusal) && refusal is null ? PartnerWebhookPayloads.For(message) : [];

    private static string? RefusalOf(Type type)
    {
        if (type.Namespace == typeof(SurveyResponseSubmitted).Namespace)
        {
            return "survey events describe one shopper's survey; partners see survey results only as aggregates of enough responses (the portal's survey insights).";
        }

        if (ShopperProperties.FirstOrDefault(property => type.GetProperty(property) is not null) is { } shopper)
        {
            return $"it identifies a single shopper ({char.ToLowerInvariant(shopper[0])}{shopper[1..]}), which partners never receive.";
        }

        if (OrderPricingEvents.Contains(type))
        {
            return "it describes an order's pricing, not the partner's own conversions (those are attribution.conversion-attributed).";
        }

        if (PartnerWebhookPayloads.IsDefinedFor(type))
        {
            return null;
        }

        return type.GetProperty("PartnerId") is null
            ? "it is not about a partner."
            : "it has no partner-facing payload yet (partners receive an event only in a shape made for them).";
    }

    /// <summary><c>urn:message:partnermesh:attribution:conversion-attributed:v1</c> → <c>attribution.conversion-attributed</c>.</summary>
    private static string NameOf(Type type)
    {
        var parts = IntegrationEventTypes.UrnOf(type).Split(':');
        return $"{parts[^3]}.{parts[^2]}";
    }
}
