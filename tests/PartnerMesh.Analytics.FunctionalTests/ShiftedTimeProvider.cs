namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>The system clock plus an offset tests set; timers run on real time, so the hosted services keep running.</summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock so that it reads <paramref name="now"/> (and runs on from there).</summary>
    public void Set(DateTimeOffset now) => Interlocked.Add(ref _offsetTicks, (now - GetUtcNow()).Ticks);
}
