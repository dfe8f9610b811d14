using System.Collections.Frozen;
using PartnerMesh.Contracts;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// What a partner's subscription receives as <c>data</c>: one explicit record per event type open to partners, filled
/// field by field, never the integration event itself, so a field added to an event reaches partners only once it is
/// added here. Left out: other partners' ids, shopper data (a referrer URL) and internal actors (who changed something),
/// and the merchant's own totals. An event about two partners (a conversion moved from one to the other) gives each its
/// own view, naming neither the other. Only types listed here can be open to partners (<see cref="WebhookEventTypes"/>);
/// tools' subscriptions get the whole event.
/// </summary>
public static class PartnerWebhookPayloads
{
    private static readonly FrozenDictionary<Type, Func<IIntegrationEvent, IReadOnlyList<PartnerPayload>>> ViewsByType =
        new Dictionary<Type, Func<IIntegrationEvent, IReadOnlyList<PartnerPayload>>>
        {
            [typeof(ConversionAttributed)] = View<ConversionAttributed>(e => e.PartnerId, e => new ConversionAttributedPayload(
                e.ConversionId, e.OrderId, e.PartnerId, e.ClickId, e.OrderAmount, e.Currency, e.CommissionAmount, e.OrderedAt)),
            [typeof(ConversionReattributed)] = e => Reattributed((ConversionReattributed)e),
            [typeof(RefundRecorded)] = View<RefundRecorded>(e => e.PartnerId, e => new RefundRecordedPayload(
                e.RefundId, e.OrderId, e.PartnerId!.Value, e.Kind, e.Amount, e.Currency, e.IsFullRefund, e.RefundedAt, e.CommissionReversed)),
            [typeof(CommissionBooked)] = View<CommissionBooked>(e => e.PartnerId, e => new CommissionBookedPayload(
                e.CommissionId, e.PartnerId, e.ProgramId, e.OrderId, e.Kind, e.Amount, e.Currency, e.Status, e.HoldUntil, e.PlanVersion)),
            [typeof(CommissionHeld)] = View<CommissionHeld>(e => e.PartnerId, e => new CommissionHeldPayload(
                e.CommissionId, e.PartnerId, e.ProgramId, e.OrderId, e.Kind, e.Amount, e.Currency, e.Reasons)),
            [typeof(CommissionApproved)] = View<CommissionApproved>(e => e.PartnerId, e => new CommissionApprovedPayload(
                e.CommissionId, e.PartnerId, e.ProgramId, e.OrderId, e.Kind, e.Amount, e.Currency, e.ApprovedBy)),
            [typeof(CommissionReversed)] = View<CommissionReversed>(e => e.PartnerId, e => new CommissionReversedPayload(
                e.CommissionId, e.PartnerId, e.ProgramId, e.OrderId, e.Kind, e.Amount, e.Currency, e.OriginalCommissionId, e.RefundId, e.Reason)),
            [typeof(CommissionPaid)] = View<CommissionPaid>(e => e.PartnerId, e => new CommissionPaidPayload(
                e.PayoutBatchId, e.PartnerId, e.Amount, e.Currency, e.EntryCount)),
            [typeof(PartnerTierReached)] = View<PartnerTierReached>(e => e.PartnerId, e => new PartnerTierReachedPayload(
                e.PartnerId, e.ProgramId, e.Tier, e.Rate, e.Period, e.PeriodConversions)),
            [typeof(FraudFlagRaised)] = View<FraudFlagRaised>(e => e.PartnerId, e => new FraudFlagRaisedPayload(
                e.PartnerId, e.Rule, e.Detail, e.OrderId, e.CommissionId, e.ClickId)),
            [typeof(PartnerRegistered)] = View<PartnerRegistered>(e => e.PartnerId, e => new PartnerRegisteredPayload(
                e.PartnerId, e.Name, e.Email, e.Kind, e.CommissionRate)),
            [typeof(ReferralLinkCreated)] = View<ReferralLinkCreated>(e => e.PartnerId, e => new ReferralLinkCreatedPayload(
                e.LinkId, e.PartnerId, e.Code, e.TargetUrl)),
            [typeof(CouponLeakSuspected)] = View<CouponLeakSuspected>(e => e.PartnerId, e => new CouponLeakSuspectedPayload(
                e.RedemptionId, e.OrderId, e.CodeId, e.Code, e.CampaignId, e.PartnerId, e.Reason, CouponSiteHost(e))),
            [typeof(CouponRestored)] = View<CouponRestored>(e => e.PartnerId, e => new CouponRestoredPayload(
                e.RedemptionId, e.OrderId, e.CodeId, e.Code, e.CampaignId, e.PartnerId!.Value, e.Reason)),
            [typeof(PromotionBudgetExhausted)] = View<PromotionBudgetExhausted>(e => e.PartnerId, e => new PromotionBudgetExhaustedPayload(
                e.PromotionId, e.PartnerId!.Value, e.Scope, e.Period, e.PeriodKey, e.CampaignId, e.MaxUses, e.MaxSpend)),
            [typeof(ExperimentStatusChanged)] = View<ExperimentStatusChanged>(e => e.PartnerId, e => new ExperimentStatusChangedPayload(
                e.ExperimentId, e.PartnerId!.Value, e.Name, e.Status, e.Variants, e.HoldoutPercent, e.Winner)),
            [typeof(PartnerConcentrationRiskDetected)] = View<PartnerConcentrationRiskDetected>(e => e.PartnerId, e => new PartnerConcentrationRiskDetectedPayload(
                e.PartnerId, e.Currency, e.PartnerRevenue, e.WindowStart, e.WindowEnd)),
        }.ToFrozenDictionary();

    public static bool IsDefinedFor(Type eventType) => ViewsByType.ContainsKey(eventType);

    /// <summary>Each partner the event is about, with what that partner may see of it; empty when it names no partner.</summary>
    public static IReadOnlyList<PartnerPayload> For(IIntegrationEvent message) =>
        ViewsByType.TryGetValue(message.GetType(), out var views) ? views(message) : [];

    private static Func<IIntegrationEvent, IReadOnlyList<PartnerPayload>> View<TEvent>(Func<TEvent, Guid?> partner, Func<TEvent, object> payload)
        where TEvent : IIntegrationEvent =>
        message => partner((TEvent)message) is { } partnerId ? [new PartnerPayload(partnerId, payload((TEvent)message))] : [];

    /// <summary>The partner now credited sees the credit and its commission; the one it was taken from sees only that.</summary>
    private static IReadOnlyList<PartnerPayload> Reattributed(ConversionReattributed e)
    {
        var credited = new PartnerPayload(e.PartnerId, new ConversionReattributedPayload(
            e.ConversionId, e.OrderId, e.PartnerId, ConversionReattributedPayload.Credited, e.Reason, e.OrderAmount, e.Currency, e.CommissionAmount, e.OrderedAt));
        return e.PreviousPartnerId is { } previous && previous != e.PartnerId
            ?
            [
                credited,
                new PartnerPayload(previous, new ConversionReattributedPayload(
                    e.ConversionId, e.OrderId, previous, ConversionReattributedPayload.Withdrawn, e.Reason, e.OrderAmount, e.Currency, null, e.OrderedAt)),
            ]
            : [credited];
    }

    /// <summary>
    /// The coupon site a leaked code was found on: its host only (the path and query may carry the shopper's data), and only
    /// for that reason — for <c>no_partner_click</c> the referrer may be another partner's site.
    /// </summary>
    private static string? CouponSiteHost(CouponLeakSuspected e) =>
        e.Reason == "coupon_site_referrer" && Uri.TryCreate(e.Referrer?.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.IdnHost.ToLowerInvariant()
            : null;
}

/// <summary>One partner's view of an event: who gets it and the <c>data</c> they get.</summary>
public sealed record PartnerPayload(Guid PartnerId, object Data);

public sealed record ConversionAttributedPayload(
    Guid ConversionId, string OrderId, Guid PartnerId, Guid? ClickId, decimal OrderAmount, string Currency, decimal CommissionAmount,
    DateTimeOffset OrderedAt);

/// <summary><see cref="Change"/>: <c>credited</c> (the order is now this partner's) or <c>withdrawn</c> (it no longer is; no commission shown).</summary>
public sealed record ConversionReattributedPayload(
    Guid ConversionId, string OrderId, Guid PartnerId, string Change, string Reason, decimal OrderAmount, string Currency, decimal? CommissionAmount,
    DateTimeOffset OrderedAt)
{
    public const string Credited = "credited";
    public const string Withdrawn = "withdrawn";
}

public sealed record RefundRecordedPayload(
    string RefundId, string OrderId, Guid PartnerId, string Kind, decimal Amount, string Currency, bool IsFullRefund, DateTimeOffset RefundedAt,
    decimal CommissionReversed);

public sealed record CommissionBookedPayload(
    Guid CommissionId, Guid PartnerId, Guid? ProgramId, string? OrderId, string Kind, decimal Amount, string Currency, string Status,
    DateTimeOffset? HoldUntil, int? PlanVersion);

public sealed record CommissionHeldPayload(
    Guid CommissionId, Guid PartnerId, Guid? ProgramId, string? OrderId, string Kind, decimal Amount, string Currency, IReadOnlyList<string> Reasons);

/// <summary><see cref="ApprovedBy"/> is how (<c>hold-elapsed</c> or <c>review</c>), never who.</summary>
public sealed record CommissionApprovedPayload(
    Guid CommissionId, Guid PartnerId, Guid? ProgramId, string? OrderId, string Kind, decimal Amount, string Currency, string ApprovedBy);

public sealed record CommissionReversedPayload(
    Guid CommissionId, Guid PartnerId, Guid? ProgramId, string? OrderId, string Kind, decimal Amount, string Currency, Guid? OriginalCommissionId,
    string? RefundId, string Reason);

public sealed record CommissionPaidPayload(Guid PayoutBatchId, Guid PartnerId, decimal Amount, string Currency, int EntryCount);

public sealed record PartnerTierReachedPayload(Guid PartnerId, Guid ProgramId, int Tier, decimal Rate, string Period, int PeriodConversions);

public sealed record FraudFlagRaisedPayload(Guid PartnerId, string Rule, string? Detail, string? OrderId, Guid? CommissionId, Guid? ClickId);

public sealed record PartnerRegisteredPayload(Guid PartnerId, string Name, string Email, string Kind, decimal CommissionRate);

public sealed record ReferralLinkCreatedPayload(Guid LinkId, Guid PartnerId, string Code, string TargetUrl);

public sealed record CouponLeakSuspectedPayload(
    Guid RedemptionId, string OrderId, Guid CodeId, string Code, Guid CampaignId, Guid PartnerId, string Reason, string? CouponSiteHost);

public sealed record CouponRestoredPayload(Guid RedemptionId, string OrderId, Guid CodeId, string Code, Guid CampaignId, Guid PartnerId, string Reason);

public sealed record PromotionBudgetExhaustedPayload(
    Guid PromotionId, Guid PartnerId, string Scope, string Period, string PeriodKey, string? CampaignId, int? MaxUses, decimal? MaxSpend);

public sealed record ExperimentStatusChangedPayload(
    Guid ExperimentId, Guid PartnerId, string Name, string Status, IReadOnlyList<string> Variants, int HoldoutPercent, string? Winner);

/// <summary>The partner's own revenue in the window; the merchant's total, the share and the threshold stay internal.</summary>
public sealed record PartnerConcentrationRiskDetectedPayload(Guid PartnerId, string Currency, decimal PartnerRevenue, DateOnly WindowStart, DateOnly WindowEnd);
