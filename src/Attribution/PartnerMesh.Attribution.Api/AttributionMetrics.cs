using System.Diagnostics.Metrics;

namespace PartnerMesh.Attribution.Api;

public sealed class AttributionMetrics
{
    public const string MeterName = "PartnerMesh.Attribution";

    private readonly Counter<long> _clicks;
    private readonly Counter<long> _conversions;
    private readonly Counter<double> _commission;
    private readonly Counter<long> _duplicateClicks;
    private readonly Counter<long> _fraudFlags;
    private readonly Histogram<long> _clickBatchSize;
    private readonly Histogram<double> _clickCommitDuration;

    public AttributionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _clicks = meter.CreateCounter<long>("partnermesh.attribution.clicks", "{click}", "Referral link clicks recorded");
        _conversions = meter.CreateCounter<long>("partnermesh.attribution.conversions", "{conversion}", "Conversions recorded, by attributed");
        _commission = meter.CreateCounter<double>(
            "partnermesh.attribution.commission", unit: null, "Commission booked, in the order currency (tag currency)");
        _duplicateClicks = meter.CreateCounter<long>("partnermesh.attribution.clicks.duplicate", "{click}", "Repeat clicks collapsed into an earlier one");
        _fraudFlags = meter.CreateCounter<long>("partnermesh.attribution.fraud_flags", "{flag}", "Fraud rules fired, by rule");
        _clickBatchSize = meter.CreateHistogram<long>(
            "partnermesh.attribution.clicks.commit_batch_size", "{click}", "Clicks carried by one group commit",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        _clickCommitDuration = meter.CreateHistogram<double>(
            "partnermesh.attribution.clicks.commit_duration", "s", "Time of one group commit of clicks");
    }

    public void ClickRecorded() => _clicks.Add(1);

    public void DuplicateClick() => _duplicateClicks.Add(1);

    public void ClicksCommitted(int batchSize, TimeSpan duration)
    {
        _clickBatchSize.Record(batchSize);
        _clickCommitDuration.Record(duration.TotalSeconds);
    }

    public void FraudFlag(string rule) => _fraudFlags.Add(1, new KeyValuePair<string, object?>("rule", rule));

    public void ConversionRecorded(bool attributed) =>
        _conversions.Add(1, new KeyValuePair<string, object?>("attributed", attributed ? "true" : "false"));

    public void CommissionBooked(decimal amount, string currency) =>
        _commission.Add((double)amount, new KeyValuePair<string, object?>("currency", currency));
}
