using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class PromotionsApiFactory : ServiceFactory<Program, PromotionsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.PromotionsDb;
}
