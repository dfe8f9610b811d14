using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsApiFactory : ServiceFactory<Program, CouponsDbContext>
{
    /// <summary>Set before initialisation to run this instance on another instance's database (two instances, one store).</summary>
    public string? SharedDatabaseConnectionString { get; init; }

    /// <summary>How often expired reservations are swept (a second unless a test needs holds to stay unswept).</summary>
    public TimeSpan ReservationSweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    protected override string DatabaseResourceName => ResourceNames.CouponsDb;

    protected override string ServiceName => ResourceNames.CouponsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Coupons:ReservationSweepInterval"] = ReservationSweepInterval.ToString("c");
        settings["Coupons:OfferSchedulerInterval"] = "00:00:01";
        // Long enough that a missed invalidation fails a test instead of expiring unnoticed.
        settings["Coupons:CodeCacheTtl"] = "00:05:00";
        // Added to the default coupon sites, written as an operator might (LeakDetectionTests: hosts are compared in one form).
        settings["Coupons:CouponSiteDomains:0"] = " WWW.Deals-Example.TEST. ";
        if (SharedDatabaseConnectionString is { } shared)
        {
            settings[$"ConnectionStrings:{ResourceNames.CouponsDb}"] = shared;
        }
    }
}
