namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>The portal's reading of analytics-api's segment report for a partner: counts only, never who the customers are.</summary>
/// <param name="AnonymityThreshold">k: a segment with 1 to k − 1 of the partner's customers is suppressed.</param>
public sealed record SegmentReport(Guid? PartnerId, int AnonymityThreshold, IReadOnlyList<SegmentCount> Segments);

/// <param name="Segment">A segment name (<c>first_time_buyers</c>, <c>frequent_buyers</c>, …).</param>
/// <param name="Customers">The partner's customers in it; null when <paramref name="Suppressed"/>.</param>
public sealed record SegmentCount(string Segment, long? Customers, bool Suppressed);
