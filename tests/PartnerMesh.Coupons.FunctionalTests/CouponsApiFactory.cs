using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Coupons.FunctionalTests;

public sealed class CouponsApiFactory : ServiceFactory<Program, CouponsDbContext>
{
    /// <summary>Set before initialisation to run this instance on another instance's database (two instances, one store).</summary>
    public string? SharedDatabaseConnectionString { get; init; }

    /// <summary>Npgsql settings added to the connection string (<c>Application Name=…</c>: a pool of its own, as another process
    /// has; <c>Maximum Pool Size=…;Timeout=…</c>: a small pool that a burst would exhaust at once).</summary>
    public string? ConnectionSettings { get; init; }

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
        var connectionString = SharedDatabaseConnectionString ?? DatabaseConnectionString;
        settings[$"ConnectionStrings:{ResourceNames.CouponsDb}"] = ConnectionSettings is null ? connectionString : $"{connectionString};{ConnectionSettings}";
    }
}
