using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Links;

/// <summary>Finds a link by code through the Redis cache, falling back to PostgreSQL. Unknown codes are never cached.</summary>
public sealed class LinkResolver(LinkCache cache, AttributionDbContext db)
{
    public async Task<CachedLink?> FindAsync(string code, CancellationToken cancellationToken) =>
        await cache.GetAsync(code) ?? await FindInDatabaseAsync(code, cancellationToken);

    /// <summary>Reads the system of record and refreshes the cache from it.</summary>
    public async Task<CachedLink?> FindInDatabaseAsync(string code, CancellationToken cancellationToken)
    {
        var link = await db.Links.AsNoTracking()
            .Where(link => link.Code == code)
            .Join(db.Partners, link => link.PartnerId, partner => partner.Id, (link, partner) =>
                new CachedLink(link.Id, link.PartnerId, link.Code, link.TargetUrl, link.Active, partner.ProgramId, partner.Status != PartnerStatus.Active))
            .SingleOrDefaultAsync(cancellationToken);
        if (link is not null)
        {
            await cache.AddAsync(link);
        }

        return link;
    }
}
