using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Clicks;

public sealed record RecordedClick(Guid ClickId, CachedLink Link);

/// <summary>Records a click and its <see cref="ClickRecorded"/> event in one commit, before the shopper is redirected.</summary>
public sealed class ClickRecorder(
    LinkResolver links, LinkCache cache, AttributionDbContext db, TimeProvider timeProvider, AttributionMetrics metrics)
{
    /// <returns><c>null</c> when no active link has <paramref name="code"/>.</returns>
    public async Task<RecordedClick?> RecordAsync(string code, ClickDetails details, string visitorId, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(code, cancellationToken);
        if (link is not { Active: true })
        {
            return null;
        }

        try
        {
            return await SaveAsync(link, details, visitorId, cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsForeignKeyViolation(ClickConfiguration.LinkForeignKey))
        {
            // The cache named a link PostgreSQL does not have (e.g. a database restored under a live Redis):
            // drop the entry and answer from the system of record.
            db.ChangeTracker.Clear();
            await cache.RemoveAsync(code);
            link = await links.FindInDatabaseAsync(code, cancellationToken);
            return link is { Active: true } ? await SaveAsync(link, details, visitorId, cancellationToken) : null;
        }
    }

    private async Task<RecordedClick> SaveAsync(CachedLink link, ClickDetails details, string visitorId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowForStorage();
        var click = new Click
        {
            Id = Guid.CreateVersion7(now),
            LinkId = link.Id,
            PartnerId = link.PartnerId,
            Code = link.Code,
            VisitorId = visitorId,
            UtmSource = details.UtmSource,
            UtmMedium = details.UtmMedium,
            UtmCampaign = details.UtmCampaign,
            UtmTerm = details.UtmTerm,
            UtmContent = details.UtmContent,
            Referrer = details.Referrer,
            UserAgent = details.UserAgent,
            Gclid = details.Gclid,
            Fbclid = details.Fbclid,
            Msclkid = details.Msclkid,
            Ttclid = details.Ttclid,
            OccurredAt = now,
        };
        db.Clicks.Add(click);
        db.AddIntegrationEvent(new ClickRecorded
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ClickId = click.Id,
            PartnerId = click.PartnerId,
            LinkId = click.LinkId,
            Code = click.Code,
            VisitorId = click.VisitorId,
            UtmSource = click.UtmSource,
            UtmMedium = click.UtmMedium,
            UtmCampaign = click.UtmCampaign,
            Referrer = click.Referrer,
        });
        await db.SaveChangesAsync(cancellationToken);
        metrics.ClickRecorded();
        return new RecordedClick(click.Id, link);
    }
}
