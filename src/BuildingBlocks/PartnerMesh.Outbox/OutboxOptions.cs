namespace PartnerMesh.Outbox;

public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How often the relay looks for rows when nothing signalled it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Publishes of one batch in flight at once, each awaiting its broker confirm. 1 keeps a batch in order; consumers
    /// never rely on order across messages (several consumers run at once anyway), so a high-volume producer may raise it.
    /// </summary>
    public int PublishConcurrency { get; set; } = 1;

    public int MaxAttempts { get; set; } = 10;

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Published rows are deleted after this long.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the pending/parked gauges are refreshed from the database (one small query).</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);
}
