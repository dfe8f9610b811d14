using System.Net;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>What analytics-api answered, as received (<see cref="ContentDisposition"/>: a CSV download's file name).</summary>
public sealed record AnalyticsAnswer(HttpStatusCode StatusCode, string? ContentType, string Body, string? ContentDisposition = null);
