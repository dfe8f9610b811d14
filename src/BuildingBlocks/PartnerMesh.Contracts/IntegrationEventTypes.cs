using System.Collections.Frozen;
using System.Reflection;
using MassTransit;

namespace PartnerMesh.Contracts;

/// <summary>The explicit registry of every integration event, keyed by its stable wire name.</summary>
public static class IntegrationEventTypes
{
    private static readonly FrozenDictionary<string, Type> ByUrn = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(type))
        .ToFrozenDictionary(UrnOf, type => type, StringComparer.Ordinal);

    public static IEnumerable<Type> All => ByUrn.Values;

    public static string UrnOf(Type eventType) =>
        eventType.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString()
        ?? throw new InvalidOperationException($"{eventType.FullName} has no [MessageUrn]: integration events need a stable wire name.");

    public static Type Resolve(string urn) =>
        ByUrn.TryGetValue(urn, out var type) ? type : throw new InvalidOperationException($"Unknown integration event '{urn}'.");
}
