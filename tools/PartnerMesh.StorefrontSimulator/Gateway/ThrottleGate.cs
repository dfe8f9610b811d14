namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>
/// Shared pause for one rate-limit bucket: after a 429 every caller of that bucket waits until the Retry-After has passed,
/// instead of each one hammering the gateway and collecting its own 429.
/// </summary>
public sealed class ThrottleGate(TimeProvider time)
{
    private long _resumeAtUtcTicks;

    public DateTimeOffset ResumeAt => new(Interlocked.Read(ref _resumeAtUtcTicks), TimeSpan.Zero);

    public void PauseFor(TimeSpan delay)
    {
        var target = (time.GetUtcNow() + delay).UtcTicks;
        var current = Interlocked.Read(ref _resumeAtUtcTicks);
        while (target > current)
        {
            var seen = Interlocked.CompareExchange(ref _resumeAtUtcTicks, target, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = ResumeAt - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
