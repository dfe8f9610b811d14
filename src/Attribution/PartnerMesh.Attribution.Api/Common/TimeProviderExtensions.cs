namespace PartnerMesh.Attribution.Api.Common;

public static class TimeProviderExtensions
{
    /// <summary>
    /// Now, truncated to PostgreSQL's microsecond precision, so a value returned right after a write is the same value
    /// a later read returns.
    /// </summary>
    public static DateTimeOffset GetUtcNowForStorage(this TimeProvider timeProvider) => timeProvider.GetUtcNow().ForStorage();

    /// <summary>
    /// The same instant in UTC (Npgsql refuses other offsets for <c>timestamptz</c>), truncated to PostgreSQL's
    /// microsecond precision.
    /// </summary>
    public static DateTimeOffset ForStorage(this DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
