namespace PartnerMesh.Messaging;

public sealed class ErrorQueueOptions
{
    public const string SectionName = "Messaging:ErrorQueues";

    /// <summary>How often the error- and skipped-queue depths are read from the broker (one passive declare per queue).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}
