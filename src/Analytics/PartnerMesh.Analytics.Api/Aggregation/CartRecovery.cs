namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>An abandoned cart whose order arrived, to be published as <c>CartRecovered</c> with the batch.</summary>
public sealed record CartRecovery(string CartId, string OrderId, string VisitorId, string? CustomerId, string? Email, DateTimeOffset At);
