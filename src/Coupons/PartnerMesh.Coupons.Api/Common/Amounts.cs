namespace PartnerMesh.Coupons.Api.Common;

public static class Amounts
{
    /// <summary>Drops trailing zeros (PostgreSQL's <c>numeric(20,4)</c> reads 50 back as 50.0000), so a replayed answer
    /// is written exactly as the first one was.</summary>
    public static decimal Normalize(decimal amount) => amount / 1.000000000000000000000000000000000m;

    public static decimal? Normalize(decimal? amount) => amount is { } value ? Normalize(value) : null;
}
