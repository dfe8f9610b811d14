namespace PartnerMesh.ServiceDefaults.WebApi;

public static class DecimalScale
{
    /// <summary>
    /// The same value at the smallest scale that holds it (120.0000 → 120, 0.5000 → 0.5): PostgreSQL's
    /// <c>numeric(20,4)</c> reads 120 back as 120.0000, which System.Text.Json would write digit for digit. Nothing is rounded.
    /// </summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    public static decimal? Normalize(decimal? value) => value is { } known ? Normalize(known) : null;
}
