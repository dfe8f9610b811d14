using System.Net;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>What analytics-api answered, as received.</summary>
public sealed record AnalyticsAnswer(HttpStatusCode StatusCode, string? ContentType, string Body);
