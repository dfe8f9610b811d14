using PartnerMesh.Data;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>Attribution's spelling of <see cref="StorageTime"/>: times as PostgreSQL keeps them (UTC, whole microseconds).</summary>
public static class TimeProviderExtensions
{
    public static DateTimeOffset GetUtcNowForStorage(this TimeProvider timeProvider) => StorageTime.Now(timeProvider);

    public static DateTimeOffset ForStorage(this DateTimeOffset value) => StorageTime.Truncate(value);
}
