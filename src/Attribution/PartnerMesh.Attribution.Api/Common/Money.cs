namespace PartnerMesh.Attribution.Api.Common;

public static class Money
{
    /// <summary>Largest order amount accepted; anything above is treated as a mistake, not an order.</summary>
    public const decimal MaxAmount = 10_000_000m;

    public static bool HasAtMostDecimals(decimal value, int decimals) => decimal.Round(value, decimals) == value;

    /// <summary>
    /// Rounds half away from zero and fixes the scale at two decimals, which is what <c>numeric(18,2)</c> returns,
    /// so a response built before and after a round trip through the database is byte-for-byte the same.
    /// </summary>
    public static decimal ToCents(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero) + 0.00m;
}
