using System.Diagnostics.Metrics;

namespace PartnerMesh.Coupons.Api;

/// <summary>The coupons meters: validations, reservations and redemptions by result (<c>ok</c>, <c>replayed</c> or the
/// refusal reason), uses given back by reason, and leak flags by reason.</summary>
public sealed class CouponsMetrics
{
    public const string MeterName = "PartnerMesh.Coupons";

    private readonly Counter<long> _validations;
    private readonly Counter<long> _reservations;
    private readonly Counter<long> _redemptions;
    private readonly Counter<long> _restored;
    private readonly Counter<long> _leaks;

    public CouponsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _validations = meter.CreateCounter<long>("partnermesh.coupons.validations", "{validation}", "Codes validated, by result (ok or the reason).");
        _reservations = meter.CreateCounter<long>("partnermesh.coupons.reservations", "{reservation}", "Reservation attempts, by result (ok, replayed or the reason).");
        _redemptions = meter.CreateCounter<long>("partnermesh.coupons.redemptions", "{redemption}", "Redemption attempts, by result (ok, replayed or the reason).");
        _restored = meter.CreateCounter<long>("partnermesh.coupons.uses_given_back", "{use}", "Uses given back, by reason (expired, released, cancelled, refunded).");
        _leaks = meter.CreateCounter<long>("partnermesh.coupons.leak_flags", "{redemption}", "Partner-code redemptions flagged as leaked, by reason.");
    }

    public void Validated(string? reason) => _validations.Add(1, Result(reason));

    public void Reserved(string result) => _reservations.Add(1, Result(result));

    public void Redeemed(string result) => _redemptions.Add(1, Result(result));

    public void GivenBack(string reason, int uses) => _restored.Add(uses, new KeyValuePair<string, object?>("reason", reason));

    public void LeakFlagged(string reason) => _leaks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static KeyValuePair<string, object?> Result(string? result) => new("result", result ?? "ok");
}
