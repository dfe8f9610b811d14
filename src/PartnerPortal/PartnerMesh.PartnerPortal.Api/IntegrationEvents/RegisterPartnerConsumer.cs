using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.IntegrationEvents;

/// <summary>Learns partners so operators can open accounts for them and pages can show their names.</summary>
public sealed class RegisterPartnerConsumer(PortalDbContext db) : PartnerRegistrationConsumer<PortalDbContext>(db);
