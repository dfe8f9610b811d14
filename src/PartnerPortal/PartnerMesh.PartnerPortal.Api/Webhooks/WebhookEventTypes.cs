using System.Collections.Frozen;
using System.Reflection;
using PartnerMesh.Contracts;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Event types as subscriptions name them: the wire name without prefix and version (<c>attribution.conversion-attributed</c>).
/// Partners may subscribe only to events that carry a partner id (they get those about themselves).
/// </summary>
public static class WebhookEventTypes
{
    public const string All = "*";

    private static readonly FrozenDictionary<Type, string> NameByType = IntegrationEventTypes.All.ToFrozenDictionary(type => type, NameOf);

    private static readonly FrozenDictionary<Type, PropertyInfo?> PartnerProperty = IntegrationEventTypes.All.ToFrozenDictionary(
        type => type, type => type.GetProperty("PartnerId") is { } property && (property.PropertyType == typeof(Guid) || property.PropertyType == typeof(Guid?)) ? property : null);

    public static IReadOnlySet<string> Names { get; } = NameByType.Values.ToFrozenSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> PartnerNames { get; } =
        NameByType.Where(pair => PartnerProperty[pair.Key] is not null).Select(pair => pair.Value).ToFrozenSet(StringComparer.Ordinal);

    public static string Of(Type eventType) => NameByType.TryGetValue(eventType, out var name) ? name : NameOf(eventType);

    public static Guid? PartnerOf(IIntegrationEvent message) =>
        PartnerProperty.GetValueOrDefault(message.GetType())?.GetValue(message) as Guid?;

    /// <summary><c>urn:message:partnermesh:attribution:conversion-attributed:v1</c> → <c>attribution.conversion-attributed</c>.</summary>
    private static string NameOf(Type type)
    {
        var parts = IntegrationEventTypes.UrnOf(type).Split(':');
        return $"{parts[^3]}.{parts[^2]}";
    }
}
