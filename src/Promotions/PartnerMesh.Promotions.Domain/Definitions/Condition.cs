using System.Text.Json.Serialization;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Domain.Definitions;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(CartSubtotalCondition), "cartSubtotal")]
[JsonDerivedType(typeof(ItemsCondition), "items")]
[JsonDerivedType(typeof(CustomerSegmentCondition), "customerSegment")]
[JsonDerivedType(typeof(FirstOrderCondition), "firstOrder")]
[JsonDerivedType(typeof(PartnerCondition), "partner")]
[JsonDerivedType(typeof(TrafficSourceCondition), "trafficSource")]
[JsonDerivedType(typeof(TouchpointCondition), "touchpoint")]
[JsonDerivedType(typeof(TimeWindowCondition), "timeWindow")]
public abstract record Condition;

/// <summary>Items subtotal (before any discount) of at least <see cref="Min"/> in the promotion's currency.</summary>
public sealed record CartSubtotalCondition(decimal Min) : Condition;

/// <summary>At least <see cref="MinQuantity"/> units of matching items in the cart.</summary>
public sealed record ItemsCondition(ItemFilter Filter, int MinQuantity = 1) : Condition;

public sealed record CustomerSegmentCondition(IReadOnlyList<string> Segments) : Condition;

/// <summary>The customer has no previous order (guests and unknown order counts do not qualify).</summary>
public sealed record FirstOrderCondition : Condition;

/// <summary>Traffic of one of these partners (its click or its code): a partner-exclusive offer.</summary>
public sealed record PartnerCondition(IReadOnlyList<Guid> PartnerIds) : Condition;

/// <summary>Traffic from one of these UTM sources (case-insensitive).</summary>
public sealed record TrafficSourceCondition(IReadOnlyList<string> UtmSources) : Condition;

public sealed record TouchpointCondition(IReadOnlyList<Touchpoint> Touchpoints) : Condition;

/// <summary>
/// Recurring hours in a time zone ("Saturdays 09:00–12:00 Europe/Berlin"); <see cref="To"/> is exclusive, and 00:00 there
/// is the end of the day (<c>"24:00"</c>). Both left out (00:00–00:00) is the whole day.
/// </summary>
public sealed record TimeWindowCondition(
    string TimeZone, IReadOnlyList<DayOfWeek> Days, TimeOnly From, [property: JsonConverter(typeof(EndOfDayTimeConverter))] TimeOnly To) : Condition
{
    [JsonIgnore]
    public bool IsWholeDay => From == TimeOnly.MinValue && To == TimeOnly.MinValue;
}
