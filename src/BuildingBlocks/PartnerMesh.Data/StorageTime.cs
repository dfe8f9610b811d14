namespace PartnerMesh.Data;

/// <summary>
/// Times as PostgreSQL keeps them (<c>timestamptz</c>: whole microseconds, UTC). A time taken with <see cref="Now"/> and
/// returned right after the write is the same value a replay or a later read returns (.NET's clock has 100 ns ticks, so
/// an untruncated one would answer 7 fractional digits first and 6 afterwards).
/// </summary>
public static class StorageTime
{
    /// <summary>Now in UTC, truncated to whole microseconds.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider) => Truncate(timeProvider.GetUtcNow());

    /// <summary>The same instant in UTC, truncated to whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
