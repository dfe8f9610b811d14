using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// What the <c>click-flooding</c> rule counts for a crediting click, for sales and leads alike: the clicks (repeats
/// included) of its visitor or source on the partner's links in the hour before it.
/// </summary>
public static class ClickFlooding
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>
    /// Clicks of the crediting click's visitor or source (either may be missing; a click with neither counts only its own
    /// repeats) on the partner's links from an hour before it up to it, the click itself excluded. Later clicks never
    /// count. Repeats count with the click they collapsed into (their own times are not kept), and the crediting click's
    /// own repeats count too: they answered the same click id, so the shopper's last click before the order came after them.
    /// </summary>
    public static Task<int> ClicksBeforeAsync(
        AttributionDbContext db, Guid clickId, Guid partnerId, string? visitorId, string? sourceKey, DateTimeOffset clickedAt,
        CancellationToken cancellationToken)
    {
        var from = clickedAt - Window;
        return db.Clicks.AsNoTracking()
            .Where(click => click.PartnerId == partnerId && click.OccurredAt >= from && click.OccurredAt <= clickedAt
                && (click.Id == clickId
                    || (click.OccurredAt < clickedAt
                        && ((visitorId != null && click.VisitorId == visitorId) || (sourceKey != null && click.SourceKey == sourceKey)))))
            .SumAsync(click => click.Id == clickId ? click.Duplicates : 1 + click.Duplicates, cancellationToken);
    }
}
