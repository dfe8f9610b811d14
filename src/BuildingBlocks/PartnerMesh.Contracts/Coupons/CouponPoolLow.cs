using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>
/// A campaign's pool of pre-generated personal offer codes fell below its low-water mark. A replenishment of
/// <see cref="Replenishing"/> codes has been queued with it; the event is for operations and email tools that preload codes.
/// </summary>
[MessageUrn("partnermesh:coupons:coupon-pool-low:v1")]
public sealed record CouponPoolLow : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required int Available { get; init; }
    public required int LowWatermark { get; init; }
    public required int PoolSize { get; init; }
    public required int Replenishing { get; init; }
    public required Guid GenerationJobId { get; init; }
}
