namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>Last-click attribution: the click the storefront reports credits its partner when it is inside the window.</summary>
public static class AttributionDecision
{
    public const string LastClick = "last-click";
    public const string NoClick = "no-click";
    public const string OutsideWindow = "outside-window";
    public const string ClickAfterOrder = "click-after-order";

    /// <summary>Storefront and attribution clocks may disagree by this much before a click counts as after the order.</summary>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    /// <returns>The reason code; the conversion is attributed exactly when it is <see cref="LastClick"/>.</returns>
    public static string Decide(DateTimeOffset? clickedAt, DateTimeOffset orderedAt, TimeSpan window)
    {
        if (clickedAt is not { } clicked)
        {
            return NoClick;
        }

        if (clicked > orderedAt + ClockSkewTolerance)
        {
            return ClickAfterOrder;
        }

        return orderedAt - clicked > window ? OutsideWindow : LastClick;
    }
}
