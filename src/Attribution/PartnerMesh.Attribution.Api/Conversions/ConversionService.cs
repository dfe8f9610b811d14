using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Conversions;

public enum ConversionOutcome
{
    Created,
    Replayed,
    Conflict,
    UnknownClick,
}

public sealed record ConversionResult(ConversionOutcome Outcome, ConversionResponse? Response = null);

/// <summary>
/// Records a storefront's completed order exactly once per order id. The conversion, its commission and the
/// <see cref="ConversionAttributed"/> event commit together; a replay (sequential or concurrent) gets the stored result.
/// </summary>
public sealed class ConversionService(
    AttributionDbContext db, TimeProvider timeProvider, IOptions<AttributionOptions> options, AttributionMetrics metrics)
{
    private sealed record AttributableClick(Guid Id, Guid PartnerId, DateTimeOffset OccurredAt, decimal CommissionRate);

    /// <summary>Expects a request that passed <see cref="ConversionRules.Validate"/>.</summary>
    public async Task<ConversionResult> RecordAsync(RecordConversionRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.OrderId!;
        var amount = Money.ToCents(request.Amount!.Value);
        var currency = request.Currency!;

        if (await FindAsync(orderId, cancellationToken) is { } existing)
        {
            return Replay(existing, amount, currency, request.ClickId);
        }

        AttributableClick? click = null;
        if (request.ClickId is { } clickId)
        {
            click = await db.Clicks.AsNoTracking()
                .Where(click => click.Id == clickId)
                .Join(db.Partners, click => click.PartnerId, partner => partner.Id,
                    (click, partner) => new AttributableClick(click.Id, click.PartnerId, click.OccurredAt, partner.CommissionRate))
                .SingleOrDefaultAsync(cancellationToken);
            if (click is null)
            {
                return new ConversionResult(ConversionOutcome.UnknownClick);
            }
        }

        var now = timeProvider.GetUtcNowForStorage();
        var orderedAt = request.OrderedAt?.ForStorage() ?? now;
        var reason = AttributionDecision.Decide(click?.OccurredAt, orderedAt, options.Value.Window);
        var attributed = reason == AttributionDecision.LastClick;
        var conversion = new Conversion
        {
            Id = Guid.CreateVersion7(now),
            OrderId = orderId,
            ClickId = click?.Id,
            PartnerId = attributed ? click!.PartnerId : null,
            Attributed = attributed,
            Reason = reason,
            Amount = amount,
            Currency = currency,
            CommissionAmount = attributed ? CommissionCalculator.Calculate(amount, click!.CommissionRate) : Money.ToCents(0m),
            OrderedAt = orderedAt,
            CreatedAt = now,
        };
        db.Conversions.Add(conversion);
        if (attributed)
        {
            BookCommission(conversion, click!);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ConversionConfiguration.UniqueOrderIdIndex))
        {
            // A concurrent request for the same order committed first; nothing of ours was written.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(orderId, cancellationToken)
                ?? throw new InvalidOperationException($"Conversion for order {orderId} violated uniqueness but cannot be read.");
            return Replay(winner, amount, currency, request.ClickId);
        }

        metrics.ConversionRecorded(attributed);
        if (attributed)
        {
            metrics.CommissionBooked(conversion.CommissionAmount, currency);
        }

        return new ConversionResult(ConversionOutcome.Created, ConversionResponse.From(conversion));
    }

    public Task<Conversion?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        db.Conversions.AsNoTracking().SingleOrDefaultAsync(conversion => conversion.OrderId == orderId, cancellationToken);

    private void BookCommission(Conversion conversion, AttributableClick click)
    {
        db.Commissions.Add(new Commission
        {
            Id = Guid.CreateVersion7(conversion.CreatedAt),
            ConversionId = conversion.Id,
            PartnerId = click.PartnerId,
            Amount = conversion.CommissionAmount,
            Currency = conversion.Currency,
            Rate = click.CommissionRate,
            Status = CommissionStatus.Pending,
            CreatedAt = conversion.CreatedAt,
        });
        db.AddIntegrationEvent(new ConversionAttributed
        {
            EventId = Guid.CreateVersion7(conversion.CreatedAt),
            OccurredAt = conversion.CreatedAt,
            ConversionId = conversion.Id,
            OrderId = conversion.OrderId,
            PartnerId = click.PartnerId,
            ClickId = click.Id,
            OrderAmount = conversion.Amount,
            Currency = conversion.Currency,
            CommissionAmount = conversion.CommissionAmount,
            OrderedAt = conversion.OrderedAt,
        });
    }

    /// <summary>The same order reported again: the stored answer when the facts match, a conflict when they differ.</summary>
    private static ConversionResult Replay(Conversion existing, decimal amount, string currency, Guid? clickId) =>
        existing.Amount == amount && existing.Currency == currency && existing.ClickId == clickId
            ? new ConversionResult(ConversionOutcome.Replayed, ConversionResponse.From(existing))
            : new ConversionResult(ConversionOutcome.Conflict);
}
