using PartnerMesh.PartnerDirectory;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.IntegrationEvents;

public sealed class RegisterPartnerConsumer(PromotionsDbContext db) : PartnerRegistrationConsumer<PromotionsDbContext>(db);
