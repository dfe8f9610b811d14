namespace PartnerMesh.Analytics.Api.Campaigns;

/// <summary>
/// A marketing campaign on the shopping-day calendar (Easter, Black Friday, ...): its dates (inclusive days in the
/// reporting time zone), participating partners, incentives and KPI targets. Its numbers are the <c>campaign</c>
/// dimension rows of <see cref="Code"/> (the <c>utm_campaign</c> its traffic carries) over its dates.
/// </summary>
public sealed class Campaign
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public required string Code { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public Guid[] PartnerIds { get; set; } = [];
    public string[] Incentives { get; set; } = [];
    /// <summary>KPI name → target value, as JSON (e.g. <c>{"revenue": 50000, "conversionRate": 0.04}</c>).</summary>
    public string Targets { get; set; } = "{}";
    public string? IdempotencyKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
