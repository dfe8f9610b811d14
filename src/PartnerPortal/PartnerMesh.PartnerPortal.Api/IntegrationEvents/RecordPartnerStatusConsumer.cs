using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.IntegrationEvents;

/// <summary>Sessions of a partner that is no longer active end on their next request (<c>PortalCookieEvents</c>).</summary>
public sealed class RecordPartnerStatusConsumer(PortalDbContext db) : PartnerStatusConsumer<PortalDbContext>(db);
