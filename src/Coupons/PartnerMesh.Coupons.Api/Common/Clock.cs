using PartnerMesh.Data;

namespace PartnerMesh.Coupons.Api.Common;

public static class Clock
{
    /// <summary>Now in whole microseconds, as PostgreSQL keeps it (<see cref="StorageTime"/>), so an answer replayed from the database equals the first.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider) => StorageTime.Now(timeProvider);
}
