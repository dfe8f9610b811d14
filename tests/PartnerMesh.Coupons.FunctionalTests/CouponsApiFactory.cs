using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsApiFactory : ServiceFactory<Program, CouponsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.CouponsDb;
}
