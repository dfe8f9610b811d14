using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

public sealed class RegisterPartnerConsumer(CouponsDbContext db) : PartnerRegistrationConsumer<CouponsDbContext>(db);
