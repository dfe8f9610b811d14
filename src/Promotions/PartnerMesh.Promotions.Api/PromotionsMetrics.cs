using System.Diagnostics;
using System.Diagnostics.Metrics;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api;

/// <summary>
/// The promotions meters: evaluations and their latency per touchpoint, applied and rejected promotions by reason,
/// order verifications by outcome (the promotion error rate is mismatch over all), budget reservations and the rule set.
/// </summary>
public sealed class PromotionsMetrics
{
    public const string MeterName = "PartnerMesh.Promotions";

    private readonly Counter<long> _evaluations;
    private readonly Histogram<double> _evaluationDuration;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _verifications;
    private readonly Counter<long> _reservations;
    private readonly Counter<long> _exposuresDropped;
    private readonly Counter<long> _productPages;
    private readonly Counter<long> _evaluationLogDropped;
    private readonly Histogram<double> _productPageDuration;
    private long _ruleSetVersion;
    private int _livePromotions;

    public PromotionsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _evaluations = meter.CreateCounter<long>("partnermesh.promotions.evaluations", "{evaluation}", "Carts and products evaluated, by touchpoint.");
        _evaluationDuration = meter.CreateHistogram<double>("partnermesh.promotions.evaluation.duration", "s",
            "Time to evaluate a cart, budget reservation included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
        _rejections = meter.CreateCounter<long>("partnermesh.promotions.rejections", "{promotion}", "Candidate promotions that did not apply, by reason.");
        _verifications = meter.CreateCounter<long>("partnermesh.promotions.order_verifications", "{order}",
            "Orders checked against their quote, by outcome (honoured, requoted, mismatch): the promotion error rate's parts.");
        _reservations = meter.CreateCounter<long>("partnermesh.promotions.budget_reservations", "{reservation}", "Budget reservation attempts, by result.");
        _exposuresDropped = meter.CreateCounter<long>("partnermesh.promotions.experiment_exposures.dropped", "{exposure}",
            "Experiment exposures dropped because the write queue was full.");
        _evaluationLogDropped = meter.CreateCounter<long>("partnermesh.promotions.evaluation_log.dropped", "{entry}",
            "Evaluation log entries dropped because the write queue was full.");
        _productPages = meter.CreateCounter<long>("partnermesh.promotions.product_pages", "{request}",
            "Product-page content requests answered, by result (content shown or none matched).");
        _productPageDuration = meter.CreateHistogram<double>("partnermesh.promotions.product_page.duration", "s",
            "Time to decide a product page's content.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01] });
        meter.CreateObservableGauge("partnermesh.promotions.rule_set.version", () => Interlocked.Read(ref _ruleSetVersion), "{version}", "The rule-set version this instance evaluates with.");
        meter.CreateObservableGauge("partnermesh.promotions.rule_set.live", () => Volatile.Read(ref _livePromotions), "{promotion}", "Live promotions in the rule set.");
    }

    public void Evaluated(Touchpoint touchpoint, TimeSpan elapsed, EvaluationResult result)
    {
        var tag = new KeyValuePair<string, object?>("touchpoint", TouchpointName(touchpoint));
        _evaluations.Add(1, tag);
        _evaluationDuration.Record(elapsed.TotalSeconds, tag);
        foreach (var rejection in result.NotApplied)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>("reason", rejection.Reason));
        }
    }

    public void ExposureDropped() => _exposuresDropped.Add(1);

    public void EvaluationLogDropped() => _evaluationLogDropped.Add(1);

    public void ProductPageAnswered(bool shown, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("result", shown ? "shown" : "none");
        _productPages.Add(1, tag);
        _productPageDuration.Record(elapsed.TotalSeconds, tag);
    }

    public void OrderVerified(string outcome) => _verifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void ReservationAttempted(bool succeeded) =>
        _reservations.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "reserved" : "refused"));

    public void RuleSetLoaded(RuleSet ruleSet)
    {
        Interlocked.Exchange(ref _ruleSetVersion, ruleSet.Version);
        Volatile.Write(ref _livePromotions, ruleSet.Promotions.Count);
    }

    public static string TouchpointName(Touchpoint touchpoint) => touchpoint switch
    {
        Touchpoint.ProductPage => "productPage",
        Touchpoint.Cart => "cart",
        _ => "checkout",
    };

    public static long Timestamp() => Stopwatch.GetTimestamp();
}
