namespace PartnerMesh.Attribution.Api.Common;

public static class TimeProviderExtensions
{
    /// <summary>
    /// Now, truncated to PostgreSQL's microsecond precision, so a value returned right after a write is the same value
    /// a later read returns.
    /// </summary>
    public static DateTimeOffset GetUtcNowForStorage(this TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }
}
