using System.Diagnostics.Metrics;

namespace PartnerMesh.Coupons.Api;

/// <summary>The coupons meters: validations, reservations and redemptions by result (<c>ok</c>, <c>replayed</c> or the
/// refusal reason), uses given back by reason, leak flags by reason, and the group commits of uses (batch size, duration, fallbacks).</summary>
public sealed class CouponsMetrics
{
    public const string MeterName = "PartnerMesh.Coupons";

    private readonly Counter<long> _validations;
    private readonly Counter<long> _reservations;
    private readonly Counter<long> _redemptions;
    private readonly Counter<long> _restored;
    private readonly Counter<long> _leaks;
    private readonly Counter<long> _offers;
    private readonly Counter<long> _poolLow;
    private readonly Counter<long> _poolEmpty;
    private readonly Counter<long> _rotations;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _fallbacks;

    public CouponsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _validations = meter.CreateCounter<long>("partnermesh.coupons.validations", "{validation}", "Codes validated, by result (ok or the reason).");
        _reservations = meter.CreateCounter<long>("partnermesh.coupons.reservations", "{reservation}", "Reservation attempts, by result (ok, replayed or the reason).");
        _redemptions = meter.CreateCounter<long>("partnermesh.coupons.redemptions", "{redemption}", "Redemption attempts, by result (ok, replayed or the reason).");
        _restored = meter.CreateCounter<long>("partnermesh.coupons.uses_given_back", "{use}", "Uses given back, by reason (expired, released, cancelled, refunded).");
        _leaks = meter.CreateCounter<long>("partnermesh.coupons.leak_flags", "{redemption}", "Partner-code redemptions flagged as leaked, by reason.");
        _offers = meter.CreateCounter<long>("partnermesh.coupons.offers", "{offer}",
            "Behaviour-triggered offers, by result (issued, or why not: campaign_cooldown, contact_frequency, campaign_ended, cart_recovered).");
        _poolLow = meter.CreateCounter<long>("partnermesh.coupons.pool.replenishments", "{job}", "Offer pools that ran low and were replenished.");
        _poolEmpty = meter.CreateCounter<long>("partnermesh.coupons.pool.empty", "{offer}", "Offers issued with a freshly drawn code because the pool was empty.");
        _rotations = meter.CreateCounter<long>("partnermesh.coupons.auto_rotations", "{code}", "Leaked partner codes rotated automatically.");
        _batchSize = meter.CreateHistogram<long>(
            "partnermesh.coupons.uses.commit_batch_size", "{request}", "Reservations and redemptions applied by one group commit",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        _commitDuration = meter.CreateHistogram<double>(
            "partnermesh.coupons.uses.commit_duration", "s", "Time of one group commit of reservations and redemptions");
        _fallbacks = meter.CreateCounter<long>(
            "partnermesh.coupons.uses.commit_fallbacks", "{request}", "Requests re-applied one by one because their group commit failed");
    }

    public void Validated(string? reason) => _validations.Add(1, Result(reason));

    public void Reserved(string result) => _reservations.Add(1, Result(result));

    public void Redeemed(string result) => _redemptions.Add(1, Result(result));

    public void GivenBack(string reason, int uses) => _restored.Add(uses, new KeyValuePair<string, object?>("reason", reason));

    public void LeakFlagged(string reason) => _leaks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Offer(string result, int offers = 1) => _offers.Add(offers, Result(result));

    public void PoolLow() => _poolLow.Add(1);

    public void PoolEmpty() => _poolEmpty.Add(1);

    public void AutoRotated() => _rotations.Add(1);

    public void GroupCommitted(int batchSize, TimeSpan duration)
    {
        _batchSize.Record(batchSize);
        _commitDuration.Record(duration.TotalSeconds);
    }

    public void GroupCommitFellBack(int requests) => _fallbacks.Add(requests);

    private static KeyValuePair<string, object?> Result(string? result) => new("result", result ?? "ok");
}
