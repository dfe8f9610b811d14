using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// Coupon-code precedence for codes learnt after the order: coupons' <c>CouponRedeemed</c> travels through the broker
/// and often lands after the storefront reported the order. When the order's code partner (the code redeemed first,
/// <see cref="CouponSignals.CodePartnersAsync"/>) is not credited yet and its program gives codes precedence (or nobody,
/// or another code, had the credit), the order moves to that partner: the previous partner's
/// commission for the order is reversed (a clawback once paid), the new partner's is booked per its own plan, budgets and
/// fraud rules, and <see cref="ConversionReattributed"/> is published. Runs inside the consumer's inbox transaction, so a
/// redelivered event changes nothing.
/// <para>
/// When the order is the one that brought the customer (its carried credit's only order), the credit moves with it: the
/// customer's later orders follow the code's partner. A credit with later orders stays where it is. Orders already
/// refunded in part or in full are left as they are (their reversals were computed for the old credit).
/// </para>
/// </summary>
public sealed class ConversionReattribution(
    AttributionDbContext db, CommissionBook book, TimeProvider timeProvider, IOptions<AttributionOptions> options, AttributionMetrics metrics)
{
    public const string ReversalReason = "reattributed";

    /// <summary>
    /// Moves the order to its code partner (<see cref="CouponSignals.CodePartnersAsync"/>: the first in the order's
    /// program), if it is not credited to it yet; when it is, the code becomes the order's reason
    /// (<see cref="ConfirmCodeReasonAsync"/>). The caller holds the order's coupon-signal lock.
    /// </summary>
    /// <returns>Whether the credit moved.</returns>
    public async Task<bool> CreditCodePartnerAsync(string orderId, CancellationToken cancellationToken)
    {
        var seen = await db.Conversions.AsNoTracking().Where(c => c.OrderId == orderId)
            .Select(c => new { c.PartnerId, c.Status, c.CreditScope, c.CustomerId, c.ProgramId, c.CouponCode }).SingleOrDefaultAsync(cancellationToken);
        if (seen is null)
        {
            return false;
        }

        // A partner's code counts only in its own program: the first code of the order's program (or of any, when nothing
        // named one when the order was recorded) takes it.
        var codes = await CouponSignals.CodePartnersAsync(db, orderId, seen.CouponCode, cancellationToken);
        if (codes.FirstOrDefault(code => seen.ProgramId is null || code.ProgramId == seen.ProgramId) is not { } code)
        {
            return false;
        }

        if (code.PartnerId == seen.PartnerId)
        {
            await ConfirmCodeReasonAsync(orderId, seen.ProgramId, cancellationToken);
            return false;
        }

        if (seen.Status != ConversionStatus.Completed)
        {
            return false;
        }

        var codePartnerId = code.PartnerId;
        var codeLeakSuspected = code.LeakSuspected;

        // The lock order of every booking path (CommissionBook.LockForBookingAsync): the partner and program, the customer's
        // credit, then the order, re-read under its lock.
        var programId = await db.Partners.Where(p => p.Id == codePartnerId).Select(p => (Guid?)p.ProgramId).SingleOrDefaultAsync(cancellationToken);
        var program = programId is { } id ? await db.Programs.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken) : null;
        var partner = await book.LockForBookingAsync(codePartnerId, program, cancellationToken);
        if (partner is null)
        {
            return false;
        }

        if (seen is { CreditScope: { } creditScope, CustomerId: { } creditCustomer })
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM customer_credits WHERE scope = {creditScope} AND customer_id = {creditCustomer} FOR UPDATE", cancellationToken);
        }

        var conversion = await db.Conversions.FromSql($"SELECT * FROM conversions WHERE order_id = {orderId} FOR NO KEY UPDATE")
            .SingleAsync(cancellationToken);
        if (conversion.PartnerId == codePartnerId || conversion.Status != ConversionStatus.Completed)
        {
            return false;
        }
        // A partner's code counts only in its own program; and codes of a program without precedence never beat a click or a
        // carried credit (another code's credit, they do: the order's first code is the order's code).
        if ((conversion.ProgramId is { } orderProgram && orderProgram != program?.Id)
            || (conversion.Attributed && conversion.Reason != AttributionDecision.CouponCode && program is { CouponPrecedence: false }))
        {
            return false;
        }

        var now = timeProvider.GetUtcNowForStorage();
        var previousPartner = conversion.PartnerId;
        await MoveFirstOrderCreditAsync(conversion, partner, program, cancellationToken);
        await ReverseAsync(conversion, now, cancellationToken);
        var sale = await BookSaleAsync(conversion, partner, program, codeLeakSuspected, now, cancellationToken);

        conversion.PartnerId = partner.Id;
        conversion.ProgramId = program?.Id;
        conversion.Attributed = true;
        conversion.Reason = AttributionDecision.CouponCode;
        conversion.ClickId = null;
        conversion.CommissionAmount = sale.Entry?.Amount ?? 0m;
        conversion.CommissionCurrency = sale.Entry?.Currency;
        conversion.CommissionNote = sale.Note;
        db.AddIntegrationEvent(new ConversionReattributed
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, ConversionId = conversion.Id, OrderId = conversion.OrderId,
            PreviousPartnerId = previousPartner, PartnerId = partner.Id, Reason = AttributionDecision.CouponCode,
            OrderAmount = conversion.Amount, Currency = conversion.Currency, CommissionAmount = conversion.CommissionAmount,
            CommissionCurrency = conversion.CommissionCurrency, OrderedAt = conversion.OrderedAt,
        });
        if (sale.Entry is { } entry)
        {
            metrics.CommissionBooked(entry.Amount, entry.Currency);
        }

        return true;
    }

    /// <summary>
    /// The order's own partner's code came after the order (credited by its click or carried credit): under coupon-code
    /// precedence the code is the reason, as it is when the code comes first, so the same facts give the same reason
    /// whatever order they arrived in. Nothing else changes: same partner, same commission, no event. Also on orders
    /// refunded since (the reason says why the partner is credited, not what is left).
    /// </summary>
    private async Task ConfirmCodeReasonAsync(string orderId, Guid? programId, CancellationToken cancellationToken)
    {
        // Partners without a program keep the walking-skeleton terms, which give codes precedence (ConversionService).
        var precedence = programId is not { } id
            || await db.Programs.Where(p => p.Id == id).Select(p => p.CouponPrecedence).SingleAsync(cancellationToken);
        if (precedence)
        {
            await db.Conversions.Where(c => c.OrderId == orderId && c.Attributed && c.Reason != AttributionDecision.CouponCode)
                .ExecuteUpdateAsync(update => update.SetProperty(c => c.Reason, AttributionDecision.CouponCode), cancellationToken);
        }
    }

    /// <summary>
    /// The customer's carried credit follows the order that created it: same customer, the old partner, this order's time
    /// and no order since. Moved in place (the program's scope may change), unless the customer already carries a credit
    /// in the new partner's scope. An order nobody was credited with created no credit: the code partner gets the customer's
    /// credit now, as it would have had the code come first, unless the customer already carries one in that scope.
    /// </summary>
    private async Task MoveFirstOrderCreditAsync(Conversion conversion, Partner partner, PartnerProgram? program, CancellationToken cancellationToken)
    {
        if (conversion.CustomerId is not { } customerId)
        {
            return;
        }

        var oldScope = conversion.ProgramId ?? Guid.Empty;
        var newScope = program?.Id ?? Guid.Empty;
        if (conversion.PartnerId is not { } previousPartner)
        {
            var created = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO customer_credits (scope, customer_id, partner_id, first_conversion_at, order_count)
                VALUES ({newScope}, {customerId}, {partner.Id}, {conversion.OrderedAt}, 1)
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            if (created > 0)
            {
                conversion.CreditScope = newScope;
            }

            return;
        }

        var moved = await db.Database.ExecuteSqlAsync($"""
            UPDATE customer_credits SET scope = {newScope}, partner_id = {partner.Id}
            WHERE scope = {oldScope} AND customer_id = {customerId} AND partner_id = {previousPartner}
              AND order_count = 1 AND first_conversion_at = {conversion.OrderedAt}
              AND ({newScope} = {oldScope} OR NOT EXISTS (SELECT 1 FROM customer_credits WHERE scope = {newScope} AND customer_id = {customerId}))
            """, cancellationToken);
        if (moved > 0)
        {
            conversion.CreditScope = newScope;
        }
    }

    /// <summary>
    /// Takes back what is left of the order's sale commission. Its retention bonuses stay: they are the customer's
    /// referrer's, whoever is credited with the sale.
    /// </summary>
    private async Task ReverseAsync(Conversion conversion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Locked as a refund locks them (RefundService): a take-back racing a payout is a clawback exactly when its sale was paid.
        var entries = await db.Commissions.FromSql($"SELECT * FROM commissions WHERE conversion_id = {conversion.Id} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        foreach (var original in entries.Where(entry => entry.Amount > 0 && entry.Kind != CommissionKind.Milestone && entry.Status != CommissionStatus.Rejected))
        {
            var left = Money.Round(original.Amount + entries.Where(entry => entry.OriginalCommissionId == original.Id).Sum(entry => entry.Amount), original.Currency);
            if (left <= 0)
            {
                continue;
            }

            var reversal = original.ReversedBy(left, $"reattribution:{conversion.Id}:{original.Id}", now, note: ReversalReason);
            db.Commissions.Add(reversal);
            book.Reversed(reversal, ReversalReason, now);
        }
    }

    private async Task<(Commission? Entry, string? Note)> BookSaleAsync(
        Conversion conversion, Partner partner, PartnerProgram? program, bool codeLeakSuspected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var note = partner.Status != PartnerStatus.Active ? ConversionService.NotePartnerInactive
            : !await book.AgreementAcceptedAsync(partner, cancellationToken) ? ConversionService.NoteAgreement
            : null;
        if (note is not null)
        {
            return (null, note);
        }

        var plan = program?.Plan ?? CommissionPlan.FlatRate(partner.CommissionRate);
        var periodCount = await book.PeriodConversionsAsync(partner, plan, conversion.OrderedAt, cancellationToken);
        var quote = CommissionCalculator.ForSale(plan, conversion.Amount, conversion.Currency, program?.Currency ?? conversion.Currency, conversion.Lines, periodCount);
        var capped = await book.CapByBudgetsAsync(partner, program, quote.Amount, quote.Currency, cancellationToken);
        note = capped == 0 ? ConversionService.NoteBudgetExhausted : capped < quote.Amount ? ConversionService.NoteBudgetCapped : null;
        if (capped <= 0)
        {
            return (null, note);
        }

        IReadOnlyList<FraudFlag> flags = FraudRules.Evaluate(new FraudCheck(
            partner.Email, partner.CustomerId, conversion.CustomerEmail, conversion.CustomerId, ClickedAt: null, conversion.OrderedAt,
            ClickHasPaidClickId: false, RecentClicksFromSameSource: 0, codeLeakSuspected, program?.FraudPolicy() ?? FraudPolicy.Default));
        if (CommissionBook.BudgetUncheckable(partner, program, quote.Currency) is { } uncheckable)
        {
            flags = [.. flags, uncheckable];
        }

        var entry = new Commission
        {
            Id = Guid.CreateVersion7(now),
            EntryKey = $"sale:{conversion.Id}:{partner.Id}",
            ConversionId = conversion.Id,
            PartnerId = partner.Id,
            ProgramId = program?.Id,
            OrderId = conversion.OrderId,
            Kind = CommissionKind.Sale,
            Amount = capped,
            Currency = quote.Currency,
            Rate = plan.Type == CommissionPlan.Percent ? quote.TierRate ?? plan.Rate : null,
            PlanVersion = program?.PlanVersion,
            Status = FraudRules.StatusFor(flags),
            HoldUntil = now + TimeSpan.FromDays(program?.HoldDays ?? options.Value.HoldDays),
            HoldReasons = FraudRules.HoldReasonsOf(flags),
            Note = note,
            CreatedAt = now,
        };
        book.Book(entry, flags, now);
        return (entry, note);
    }
}
