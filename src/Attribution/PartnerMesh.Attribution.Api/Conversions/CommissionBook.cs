using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>Adds ledger entries together with their events (same transaction, through the outbox).</summary>
public sealed class CommissionBook(AttributionDbContext db, AttributionMetrics metrics)
{
    public void Book(Commission entry, IReadOnlyList<FraudFlag> flags, DateTimeOffset now)
    {
        db.Commissions.Add(entry);
        db.AddIntegrationEvent(new CommissionBooked
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, CommissionId = entry.Id, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId,
            OrderId = entry.OrderId, Kind = entry.Kind, Amount = entry.Amount, Currency = entry.Currency, Status = entry.Status,
            HoldUntil = entry.HoldUntil, PlanVersion = entry.PlanVersion,
        });
        if (entry.Status == CommissionStatus.Held)
        {
            Held(entry, flags, now);
        }
    }

    public void Held(Commission entry, IReadOnlyList<FraudFlag> flags, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new CommissionHeld
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, CommissionId = entry.Id, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId,
            OrderId = entry.OrderId, Kind = entry.Kind, Amount = entry.Amount, Currency = entry.Currency,
            Reasons = [.. flags.Select(flag => flag.Rule)],
        });
        foreach (var flag in flags)
        {
            FlagRaised(entry.PartnerId, flag, entry.OrderId, entry.Id, null, now);
        }
    }

    public void FlagRaised(Guid partnerId, FraudFlag flag, string? orderId, Guid? commissionId, Guid? clickId, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new FraudFlagRaised
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = partnerId, Rule = flag.Rule, Detail = flag.Detail,
            OrderId = orderId, CommissionId = commissionId, ClickId = clickId,
        });
        metrics.FraudFlag(flag.Rule);
    }

    public void Reversed(Commission entry, string reason, DateTimeOffset now) =>
        db.AddIntegrationEvent(new CommissionReversed
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, CommissionId = entry.Id, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId,
            OrderId = entry.OrderId, Kind = entry.Kind, Amount = entry.Amount, Currency = entry.Currency,
            OriginalCommissionId = entry.OriginalCommissionId, RefundId = entry.RefundId, Reason = reason,
        });

    public void Approved(Commission entry, string approvedBy, DateTimeOffset now) =>
        db.AddIntegrationEvent(new CommissionApproved
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, CommissionId = entry.Id, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId,
            OrderId = entry.OrderId, Kind = entry.Kind, Amount = entry.Amount, Currency = entry.Currency, ApprovedBy = approvedBy,
        });
}
