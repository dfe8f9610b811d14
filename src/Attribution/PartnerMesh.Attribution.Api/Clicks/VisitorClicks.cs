using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;

namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>
/// A visitor's click history as conversions and leads read it: the newest <see cref="HistoryLimit"/> at once, and, when
/// there are more, the program's earliest and latest click read exactly, so a flood of another partner's clicks cannot
/// push either out of sight.
/// </summary>
public static class VisitorClicks
{
    public const int HistoryLimit = 200;

    /// <summary>The visitor's clicks in [<paramref name="from"/>, <paramref name="until"/>] on links of the program's partners.</summary>
    public static IQueryable<Click> InProgram(AttributionDbContext db, string visitorId, Guid? programId, DateTimeOffset from, DateTimeOffset until) =>
        db.Clicks.Where(click => click.VisitorId == visitorId && click.OccurredAt >= from && click.OccurredAt <= until
            && db.Partners.Any(partner => partner.Id == click.PartnerId && partner.ProgramId == programId));

    /// <summary>The visitor's clicks, on links of the program's partners unless <paramref name="anyProgram"/>.</summary>
    public static IQueryable<Click> OfVisitor(AttributionDbContext db, string visitorId, Guid? programId, bool anyProgram) =>
        anyProgram
            ? db.Clicks.Where(click => click.VisitorId == visitorId)
            : db.Clicks.Where(click => click.VisitorId == visitorId && db.Partners.Any(partner => partner.Id == click.PartnerId && partner.ProgramId == programId));

    /// <summary>
    /// The latest click before <paramref name="from"/> and the earliest after <paramref name="until"/>: outside the history
    /// a conversion or lead reads, they never credit, but say why nothing did and which program the visitor came through.
    /// </summary>
    public static async Task<List<Click>> NearestOutsideAsync(
        this IQueryable<Click> clicks, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var before = await clicks.Where(click => click.OccurredAt < from).Latest().AsNoTracking().ToListAsync(cancellationToken);
        var after = await clicks.Where(click => click.OccurredAt > until).Earliest().AsNoTracking().ToListAsync(cancellationToken);
        return [.. before, .. after];
    }

    public static IQueryable<Click> Earliest(this IQueryable<Click> clicks) =>
        clicks.OrderBy(click => click.OccurredAt).ThenBy(click => click.Id).Take(1);

    /// <summary>The click followed last: by its latest collapsed repeat (<see cref="Click.LastSeenAt"/>), as last-click orders.</summary>
    public static IQueryable<Click> Latest(this IQueryable<Click> clicks) =>
        clicks.OrderByDescending(click => click.LastSeenAt).ThenByDescending(click => click.OccurredAt).ThenByDescending(click => click.Id).Take(1);
}
