namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// One click and the attributed orders that came from it, so a click is counted as converted once however many orders
/// follow it. <see cref="Day"/> is null while the click's <c>ClickRecorded</c> has not arrived (the order's event may
/// come first); its orders count into the rates when it does. Written only by the atomic upserts in <see cref="KpiStore"/>.
/// </summary>
public sealed class ClickConversion
{
    public Guid ClickId { get; init; }

    public Guid PartnerId { get; init; }

    /// <summary>The UTC day of the click, the day whose rates its orders count into.</summary>
    public DateOnly? Day { get; init; }

    public long Orders { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
