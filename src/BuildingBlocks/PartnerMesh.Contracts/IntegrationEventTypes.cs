using System.Collections.Frozen;
using System.Reflection;
using MassTransit;

namespace PartnerMesh.Contracts;

/// <summary>The explicit registry of every integration event, keyed by its stable wire name.</summary>
public static class IntegrationEventTypes
{
    private static readonly FrozenDictionary<string, Type> ByUrn = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(type))
        .ToFrozenDictionary(ReadUrn, type => type, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> UrnByType = ByUrn.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

    public static IEnumerable<Type> All => ByUrn.Values;

    /// <summary>The wire name of an event type (looked up, not reflected, for the registered ones: it runs per staged event).</summary>
    public static string UrnOf(Type eventType) => UrnByType.TryGetValue(eventType, out var urn) ? urn : ReadUrn(eventType);

    private static string ReadUrn(Type eventType) =>
        eventType.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString()
        ?? throw new InvalidOperationException($"{eventType.FullName} has no [MessageUrn]: integration events need a stable wire name.");

    public static Type Resolve(string urn) =>
        ByUrn.TryGetValue(urn, out var type) ? type : throw new InvalidOperationException($"Unknown integration event '{urn}'.");
}
