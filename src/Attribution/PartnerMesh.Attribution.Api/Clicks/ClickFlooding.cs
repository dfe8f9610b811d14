using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// What the <c>click-flooding</c> rule counts for a crediting click, for sales and leads alike: the clicks (repeats
/// included) of its visitor or source on the partner's links in the hour before it, up to the visit that credits.
/// </summary>
public static class ClickFlooding
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>
    /// Clicks of the crediting click's visitor or source (either may be missing; a click with neither counts only its own
    /// repeats) on the partner's links from an hour before it was first followed up to <paramref name="lastTouchAt"/>, the
    /// visit that credits (<see cref="Conversions.AttributionDecision.LastTouch"/>: its latest repeat before the order, as
    /// last click orders clicks), the click itself excluded. Later clicks never count. Repeats count with the click they
    /// collapsed into (their own times are not kept), and the crediting click's own repeats count too. Counting up to the
    /// last visit but from an hour before the first, a repeat of the crediting click only ever adds clicks: an earlier
    /// visit through the credited link cannot take a flood that came between it and the last one out of the count.
    /// </summary>
    public static Task<int> ClicksBeforeAsync(
        AttributionDbContext db, Guid clickId, Guid partnerId, string? visitorId, string? sourceKey, DateTimeOffset clickedAt,
        DateTimeOffset lastTouchAt, CancellationToken cancellationToken)
    {
        var from = clickedAt - Window;
        return db.Clicks.AsNoTracking()
            .Where(click => click.PartnerId == partnerId && click.OccurredAt >= from && click.OccurredAt <= lastTouchAt
                && (click.Id == clickId
                    || (click.OccurredAt < lastTouchAt
                        && ((visitorId != null && click.VisitorId == visitorId) || (sourceKey != null && click.SourceKey == sourceKey)))))
            .SumAsync(click => click.Id == clickId ? click.Duplicates : 1 + click.Duplicates, cancellationToken);
    }
}
