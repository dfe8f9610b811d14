namespace PartnerMesh.Surveys.Api.Common;

public static class Clock
{
    /// <summary>Now in whole microseconds, as PostgreSQL keeps it, so an answer replayed from the database equals the first.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
