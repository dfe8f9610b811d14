namespace PartnerMesh.Coupons.Api;

public sealed class CouponsOptions
{
    public const string SectionName = "Coupons";

    /// <summary>How often held reservations past their expiry are given back.</summary>
    public TimeSpan ReservationSweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}
