using PartnerMesh.Analytics.Api.Segments;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// The facts one aggregation batch reads and writes (loaded up front by the aggregator) and the counter deltas and
/// segment changes it produces. Facts created during the batch are listed in <see cref="Added"/>.
/// </summary>
public sealed class ProjectionState
{
    public Dictionary<string, SessionFact> Sessions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CartFact> Carts { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, OrderFact> Orders { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CustomerFact> Customers { get; } = new(StringComparer.Ordinal);
    public Dictionary<Guid, ImpressionFact> Impressions { get; } = [];

    /// <summary>The partner of each referral click the batch's storefront events name without a partner.</summary>
    public Dictionary<Guid, Guid> ClickPartners { get; } = [];

    /// <summary>Events counted without their click's partner, by click: those of the batch's recorded clicks, and the batch's own.</summary>
    public Dictionary<Guid, List<UnlinkedClickEvent>> UnlinkedClickEvents { get; } = [];

    /// <summary>Clicks whose unlinked events the batch linked (their records are deleted with the batch).</summary>
    public List<Guid> LinkedClicks { get; } = [];

    /// <summary>Take-backs waiting for the batch's orders (loaded), and those the batch deferred, by order id, in log order.</summary>
    public Dictionary<string, List<PendingTakeBack>> PendingTakeBacks { get; } = new(StringComparer.Ordinal);

    /// <summary>Loaded take-backs the batch applied (their rows are deleted with the batch).</summary>
    public List<long> AppliedTakeBacks { get; } = [];

    public List<object> Added { get; } = [];

    public Dictionary<(string Granularity, string Dimension, string Value, string Value2, DateTime Period, string Currency), KpiAggregate> Deltas { get; } = [];

    public List<SegmentChange> SegmentChanges { get; } = [];

    public List<CartRecovery> Recoveries { get; } = [];

    public T Add<T>(T fact)
        where T : class
    {
        Added.Add(fact);
        return fact;
    }
}
