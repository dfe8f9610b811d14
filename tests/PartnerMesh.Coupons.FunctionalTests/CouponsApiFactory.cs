using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsApiFactory : ServiceFactory<Program, CouponsDbContext>
{
    /// <summary>Set before initialisation to run this instance on another instance's database (two instances, one store).</summary>
    public string? SharedDatabaseConnectionString { get; init; }

    protected override string DatabaseResourceName => ResourceNames.CouponsDb;

    protected override string ServiceName => ResourceNames.CouponsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Coupons:ReservationSweepInterval"] = "00:00:01";
        settings["Coupons:OfferSchedulerInterval"] = "00:00:01";
        // Long enough that a missed invalidation fails a test instead of expiring unnoticed.
        settings["Coupons:CodeCacheTtl"] = "00:05:00";
        if (SharedDatabaseConnectionString is { } shared)
        {
            settings[$"ConnectionStrings:{ResourceNames.CouponsDb}"] = shared;
        }
    }
}
