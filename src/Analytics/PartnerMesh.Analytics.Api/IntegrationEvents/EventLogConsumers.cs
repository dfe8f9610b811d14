using MassTransit;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.IntegrationEvents;

/// <summary>
/// Writes other services' facts to the analytics log, once per message (inbox) and once per business id (the log key
/// is the fact's own id, so a fact republished under a new event id is not counted twice); the aggregator applies them.
/// Messages come in batches (<see cref="EventLogConsumerDefinition{TConsumer}"/>): one transaction records a batch's
/// message ids and appends its facts, instead of one per message — every survey shown, coupon redeemed or order verified
/// elsewhere lands here, and per-message transactions made analytics the busiest process under a storefront's load.
/// </summary>
public abstract class EventLogConsumer<T>(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider) : IConsumer<Batch<T>>
    where T : class
{
    public async Task Consume(ConsumeContext<Batch<T>> context)
    {
        var applied = await db.ExecuteOnceAsync(context, GetType().Name, async (messages, ct) =>
        {
            var now = timeProvider.GetUtcNow();
            var facts = messages.Where(message => Counts(message.Message))
                .Select(message => (message.Message, Log: Translate(message.Message))).DistinctBy(fact => fact.Log.LogId).ToList();
            var logged = await db.AppendAsync(EventSources.Bus, [.. facts.Select(fact => fact.Log)], now, ct);
            await RecordAsync([.. facts.Where(fact => logged.Contains(fact.Log.LogId)).Select(fact => fact.Message)], now, ct);
        });
        if (applied.Count > 0)
        {
            signal.Notify();
        }
    }

    protected abstract (string LogId, AnalyticsEvent Event) Translate(T message);

    /// <summary>Whether the message is a fact analytics counts; the others are acknowledged (inbox) and not logged.</summary>
    protected virtual bool Counts(T message) => true;

    /// <summary>
    /// Effects beyond the log, in the same transaction, for the facts logged now (each business id once: a fact
    /// republished under a new event id is not among them).
    /// </summary>
    protected virtual Task RecordAsync(IReadOnlyList<T> logged, DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;

    protected AnalyticsDbContext Db => db;
}

/// <summary>
/// Batches of up to <see cref="MaxBatchSize"/> messages, or what arrived within <see cref="BatchWindow"/>: a quiet
/// stream's fact waits at most that long, a busy one's share a transaction.
/// </summary>
public sealed class EventLogConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public const int MaxBatchSize = 100;
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);
    private const int ConcurrentBatches = 2;

    public EventLogConsumerDefinition() => Endpoint(endpoint => endpoint.PrefetchCount = MaxBatchSize * ConcurrentBatches);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(MaxBatchSize)
            .SetTimeLimit(BatchWindow)
            .SetConcurrencyLimit(ConcurrentBatches));
}

public sealed class LogCouponRedeemedConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<CouponRedeemed>(db, signal, timeProvider)
{
    protected override (string, AnalyticsEvent) Translate(CouponRedeemed m) => ($"coupon-redeemed:{m.RedemptionId}", new AnalyticsEvent
    {
        Type = EventTypes.CouponRedeemed,
        OccurredAt = m.OccurredAt,
        OrderId = m.OrderId,
        Amount = m.OrderTotal,
        Currency = m.Currency.ToUpperInvariant(),
        PartnerId = m.PartnerId ?? m.TrafficPartnerId,
        CouponCode = m.Code,
    });
}

public sealed class LogOrderPromotionsVerifiedConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<OrderPromotionsVerified>(db, signal, timeProvider)
{
    protected override (string, AnalyticsEvent) Translate(OrderPromotionsVerified m) => ($"order-promotions-verified:{m.OrderId}:{m.QuoteId}", new AnalyticsEvent
    {
        Type = EventTypes.OrderPromotionsVerified,
        OccurredAt = m.OccurredAt,
        OrderId = m.OrderId,
        Amount = m.GrandTotal,
        Currency = m.Currency.ToUpperInvariant(),
        PartnerId = m.PartnerId,
        PromotionCount = m.Promotions.Count,
        Outcome = m.Outcome,
    });
}

public sealed class LogQuoteMismatchConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<QuoteMismatchDetected>(db, signal, timeProvider)
{
    protected override (string, AnalyticsEvent) Translate(QuoteMismatchDetected m) => ($"quote-mismatch:{m.OrderId}:{m.QuoteId}", new AnalyticsEvent
    {
        Type = EventTypes.QuoteMismatchDetected,
        OccurredAt = m.OccurredAt,
        OrderId = m.OrderId,
        Amount = m.ChargedGrandTotal,
        Currency = m.Currency.ToUpperInvariant(),
        PartnerId = m.PartnerId,
        Outcome = m.Reason,
    });
}

public sealed class LogSurveyShownConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<SurveyShown>(db, signal, timeProvider)
{
    protected override (string, AnalyticsEvent) Translate(SurveyShown m) => ($"survey-shown:{m.ImpressionId}", new AnalyticsEvent
    {
        Type = EventTypes.SurveyShown,
        OccurredAt = m.OccurredAt,
        ImpressionId = m.ImpressionId,
        VisitorId = m.VisitorId,
        CustomerId = m.CustomerId?.Trim(),
        PartnerId = m.PartnerId,
        UtmCampaign = DimensionValues.TakeIn(m.CampaignId),
        UtmSource = DimensionValues.TakeIn(m.TrafficSource),
        Touchpoint = DimensionValues.TakeIn(m.Touchpoint),
    });
}

public sealed class LogSurveyResponseConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<SurveyResponseSubmitted>(db, signal, timeProvider)
{
    protected override (string, AnalyticsEvent) Translate(SurveyResponseSubmitted m) => ($"survey-response:{m.ResponseId}", new AnalyticsEvent
    {
        Type = EventTypes.SurveyResponseSubmitted,
        OccurredAt = m.OccurredAt,
        ImpressionId = m.ImpressionId,
        VisitorId = m.VisitorId,
        CustomerId = m.CustomerId?.Trim(),
        OrderId = m.OrderId,
        PartnerId = m.PartnerId,
        UtmCampaign = DimensionValues.TakeIn(m.CampaignId),
        UtmSource = DimensionValues.TakeIn(m.TrafficSource),
        Touchpoint = DimensionValues.TakeIn(m.Touchpoint),
        NpsScore = m.NpsScore is >= 0 and <= 10 ? m.NpsScore : null,
    });
}

/// <summary>
/// A refund or cancellation: nets the order's revenue and, by what attribution reversed, its commission — in the KPIs
/// (through the log) and in the click-based partner daily report (<see cref="KpiStore.AddRefundsAsync"/>).
/// </summary>
public sealed class LogRefundRecordedConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<RefundRecorded>(db, signal, timeProvider)
{
    /// <summary>Refunds of orders attribution credited to a partner only: the others are in no partner's daily report.</summary>
    protected override Task RecordAsync(IReadOnlyList<RefundRecorded> logged, DateTimeOffset now, CancellationToken cancellationToken) =>
        Db.AddRefundsAsync(
            [.. logged.Where(refund => refund.PartnerId is not null)
                .Select(refund => (refund.OrderId, refund.Kind, refund.Amount, refund.Currency.ToUpperInvariant(), refund.CommissionReversed, refund.CommissionCurrency?.ToUpperInvariant()))],
            now,
            cancellationToken);

    protected override (string, AnalyticsEvent) Translate(RefundRecorded m) => ($"refund-recorded:{m.RefundId}", new AnalyticsEvent
    {
        Type = EventTypes.RefundRecorded,
        OccurredAt = m.RefundedAt,
        OrderId = m.OrderId,
        Amount = m.Amount,
        Currency = m.Currency.ToUpperInvariant(),
        PartnerId = m.PartnerId,
        Commission = m.CommissionReversed,
        CommissionCurrency = m.CommissionCurrency?.ToUpperInvariant(),
        Outcome = m.Kind,
    });
}

/// <summary>
/// Attribution moved an order's credit to another partner. Logged under the reattribution's own identity (the
/// conversion, the new partner and when it was decided), at the order's time, so the aggregator moves the order in the
/// order's period; and moved in the click-based partner daily report (<see cref="KpiStore.ReattributeOrdersAsync"/>).
/// Commission: analytics counts an order's commission from <c>ConversionAttributed</c>, this event and
/// <c>RefundRecorded.CommissionReversed</c> only (it does not consume <c>CommissionBooked</c>, nor
/// <c>CommissionReversed</c> but for rejected sales), so the previous partner's reversal and the new partner's booking
/// attribution publishes with it are not counted twice, whatever order they arrive in.
/// </summary>
public sealed class LogConversionReattributedConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<ConversionReattributed>(db, signal, timeProvider)
{
    protected override Task RecordAsync(IReadOnlyList<ConversionReattributed> logged, DateTimeOffset now, CancellationToken cancellationToken) =>
        Db.ReattributeOrdersAsync(
            [.. logged.Select(m => (m.OrderId, m.PartnerId, KpiStore.UtcDay(m.OrderedAt), m.Currency.ToUpperInvariant(), m.OrderAmount,
                m.CommissionAmount, m.CommissionCurrency?.ToUpperInvariant(), m.OccurredAt.ToUniversalTime()))],
            now,
            cancellationToken);

    protected override (string, AnalyticsEvent) Translate(ConversionReattributed m) =>
        ($"conversion-reattributed:{m.ConversionId}:{m.PartnerId}:{m.OccurredAt.UtcTicks}", new AnalyticsEvent
        {
            Type = EventTypes.ConversionReattributed,
            OccurredAt = m.OrderedAt,
            ReattributedAt = m.OccurredAt,
            OrderId = m.OrderId,
            PartnerId = m.PartnerId,
            Amount = m.OrderAmount,
            Currency = m.Currency.ToUpperInvariant(),
            Commission = m.CommissionAmount,
            CommissionCurrency = m.CommissionCurrency?.ToUpperInvariant(),
            Outcome = m.Reason,
        });
}

/// <summary>
/// A sale commission rejected in review (attribution's <c>CommissionReversed</c> with reason <c>rejected</c>; its unpaid
/// reversals are rejected with it): the order's commission no longer counts, in the KPIs (through the log) and in the
/// click-based partner daily report (<see cref="KpiStore.RejectCommissionsAsync"/>) — the ledger's net of the sale is 0.
/// Take-backs of refunds (reasons <c>refund</c>, <c>cancellation</c>) reach analytics as <c>RefundRecorded</c> and
/// other kinds (bonuses, leads, clicks) are not in analytics' commission, so only rejected sales are counted here.
/// </summary>
public sealed class LogCommissionRejectedConsumer(AnalyticsDbContext db, AggregationSignal signal, TimeProvider timeProvider)
    : EventLogConsumer<CommissionReversed>(db, signal, timeProvider)
{
    protected override bool Counts(CommissionReversed m) => m is { Reason: "rejected", Kind: "sale", OrderId: not null };

    protected override Task RecordAsync(IReadOnlyList<CommissionReversed> logged, DateTimeOffset now, CancellationToken cancellationToken) =>
        Db.RejectCommissionsAsync([.. logged.Select(rejected => (rejected.OrderId!, rejected.PartnerId))], now, cancellationToken);

    protected override (string, AnalyticsEvent) Translate(CommissionReversed m) => ($"commission-rejected:{m.CommissionId}", new AnalyticsEvent
    {
        Type = EventTypes.CommissionRejected,
        OccurredAt = m.OccurredAt,
        OrderId = m.OrderId,
        PartnerId = m.PartnerId,
        Commission = m.Amount,
        CommissionCurrency = m.Currency.ToUpperInvariant(),
    });
}
