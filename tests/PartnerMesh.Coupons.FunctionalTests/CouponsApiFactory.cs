using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsApiFactory : ServiceFactory<Program, CouponsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.CouponsDb;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings) =>
        settings["Coupons:ReservationSweepInterval"] = "00:00:01";
}
