using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using MassTransit;
using PartnerMesh.Contracts;
using Xunit;

namespace PartnerMesh.Architecture.Tests;

/// <summary>Integration events follow the contract rules: sealed records with a stable, versioned, unique wire name.</summary>
public sealed partial class IntegrationEventTests
{
    private static readonly Type[] EventTypes = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(type => type != typeof(IIntegrationEvent)
            && (typeof(IIntegrationEvent).IsAssignableFrom(type) || type.IsDefined(typeof(MessageUrnAttribute))))
        .ToArray();

    public static TheoryData<Type> Events => new(EventTypes);

    [Fact]
    public void Contracts_DeclareEvents() => Assert.NotEmpty(EventTypes);

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_IsSealedRecordImplementingIIntegrationEvent(Type eventType)
    {
        Assert.True(eventType is { IsClass: true, IsSealed: true, IsPublic: true }, $"{eventType} must be a public sealed record.");
        Assert.True(eventType.GetMethod("<Clone>$") is not null, $"{eventType} must be a record.");
        Assert.True(typeof(IIntegrationEvent).IsAssignableFrom(eventType), $"{eventType} must implement {nameof(IIntegrationEvent)}.");
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_HasVersionedMessageUrn(Type eventType)
    {
        var urn = eventType.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString();
        Assert.NotNull(urn);
        Assert.Matches(VersionedUrn(), urn);
    }

    [Fact]
    public void MessageUrns_AreUnique()
    {
        var duplicates = EventTypes
            .GroupBy(type => type.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString())
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(type => type.Name))}");
        Assert.Empty(duplicates);
    }

    /// <summary>
    /// Old messages lack properties added later: such properties must be optional (nullable), and every other property
    /// <c>required</c>, so a missing value fails deserialization instead of silently becoming a default.
    /// </summary>
    [Theory]
    [MemberData(nameof(Events))]
    public void EventProperties_AreInitOnlyAndRequiredUnlessNullable(Type eventType)
    {
        var nullability = new NullabilityInfoContext();
        foreach (var property in eventType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var initOnly = property.SetMethod?.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ?? false;
            Assert.True(initOnly, $"{eventType.Name}.{property.Name} must be init-only.");

            var optional = nullability.Create(property).WriteState == NullabilityState.Nullable;
            Assert.True(optional || property.IsDefined(typeof(RequiredMemberAttribute)),
                $"{eventType.Name}.{property.Name} must be required, or nullable if it was added to an existing version.");
        }
    }

    [GeneratedRegex("^urn:message:partnermesh:[a-z][a-z0-9-]*:[a-z][a-z0-9-]*:v[1-9][0-9]*$")]
    private static partial Regex VersionedUrn();
}
