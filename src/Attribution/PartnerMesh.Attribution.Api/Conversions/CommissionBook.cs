using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
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

    /// <param name="flags">The flags raised now (each published); none for an entry whose reasons were raised before.</param>
    public void Held(Commission entry, IReadOnlyList<FraudFlag> flags, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new CommissionHeld
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, CommissionId = entry.Id, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId,
            OrderId = entry.OrderId, Kind = entry.Kind, Amount = entry.Amount, Currency = entry.Currency,
            Reasons = flags.Count > 0 ? [.. flags.Select(flag => flag.Rule)] : entry.HoldReasons?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
        });
        foreach (var flag in flags)
        {
            FlagRaised(entry.PartnerId, flag, entry.OrderId, entry.Id, null, now);
        }
    }

    public void FlagRaised(Guid partnerId, FraudFlag flag, string? orderId, Guid? commissionId, Guid? clickId, DateTimeOffset now)
    {
        if (flag.Rule == FraudRules.ForeignCurrency)
        {
            return; // A review hold, not a fraud signal: CommissionHeld carries it.
        }

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

    /// <summary>Partners earn only once they accepted their program's latest agreement (none = nothing to accept).</summary>
    public async Task<bool> AgreementAcceptedAsync(Partner partner, CancellationToken cancellationToken)
    {
        if (partner.ProgramId is not { } programId)
        {
            return true;
        }

        var latest = await db.Agreements.Where(agreement => agreement.ProgramId == programId).OrderByDescending(agreement => agreement.Version)
            .Select(agreement => (Guid?)agreement.Id).FirstOrDefaultAsync(cancellationToken);
        return latest is null
            || await db.AgreementAcceptances.AnyAsync(acceptance => acceptance.AgreementId == latest && acceptance.PartnerId == partner.Id, cancellationToken);
    }

    /// <summary>
    /// Serializes a partner's bookings against its limits: the partner's row, then (when the program has a budget) the
    /// program's row, in that order on every booking path so two paths never wait on each other. Tiers count the
    /// partner's conversions and budgets sum commissions; without the program's row, bookings of different partners of one
    /// program could each see the same remaining program budget.
    /// <para>
    /// The whole lock order, on every path that books or takes back commission: the partners' rows (in id order), the
    /// program's row, the customer's credit row, then the conversion's row. Rows are locked <c>FOR NO KEY UPDATE</c>:
    /// that serializes bookings as <c>FOR UPDATE</c> does, but lets other transactions insert rows that reference them
    /// (a reversal or a renumbered bonus naming the partner or an order), so a refund never waits on a booking's partner
    /// lock nor on another refund's order lock while holding the customer's credit.
    /// </para>
    /// </summary>
    /// <returns>The locked partner, or null when it does not exist.</returns>
    public async Task<Partner?> LockForBookingAsync(Guid partnerId, PartnerProgram? program, CancellationToken cancellationToken) =>
        (await LockForBookingAsync([partnerId], program, cancellationToken)).SingleOrDefault();

    /// <summary>
    /// <see cref="LockForBookingAsync(Guid, PartnerProgram?, CancellationToken)"/> for the partners of one booking (a sale's
    /// partner and the customer's referrer): their rows in id order, so two bookings naming the same two never wait on
    /// each other, then the program's row.
    /// </summary>
    /// <returns>The locked partners that exist.</returns>
    public async Task<List<Partner>> LockForBookingAsync(IReadOnlyCollection<Guid> partnerIds, PartnerProgram? program, CancellationToken cancellationToken)
    {
        var ids = partnerIds.ToArray();
        var partners = await db.Partners.FromSql($"SELECT * FROM partners WHERE id = ANY({ids}) ORDER BY id FOR NO KEY UPDATE").AsNoTracking()
            .ToListAsync(cancellationToken);
        if (partners.Count > 0 && program?.Budget is not null)
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM programs WHERE id = {program.Id} FOR NO KEY UPDATE", cancellationToken);
        }

        return partners;
    }

    /// <summary>
    /// The partner's attributed sales in the calendar month (UTC) of <paramref name="orderedAt"/>, the one being booked
    /// included: what volume tiers count. Orders refunded in full or cancelled do not count (partly refunded ones do), nor
    /// do sales rejected in review (a fraud flag confirmed must not lift the partner to a higher rate). A plan without
    /// tiers needs no count (1).
    /// </summary>
    public async Task<int> PeriodConversionsAsync(Partner partner, CommissionPlan plan, DateTimeOffset orderedAt, CancellationToken cancellationToken)
    {
        if (plan.Tiers is not { Count: > 0 })
        {
            return 1;
        }

        var (start, end) = Period(orderedAt);
        return await db.Conversions.CountAsync(c => c.PartnerId == partner.Id && c.Attributed && c.OrderedAt >= start && c.OrderedAt < end
            && c.Status != ConversionStatus.Refunded && c.Status != ConversionStatus.Cancelled
            && !db.Commissions.Any(sale => sale.ConversionId == c.Id && sale.PartnerId == partner.Id && sale.Kind == CommissionKind.Sale
                && sale.Status == CommissionStatus.Rejected), cancellationToken) + 1;
    }

    /// <summary>The tier period (calendar month, UTC) an order falls in.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Period(DateTimeOffset orderedAt)
    {
        var utc = orderedAt.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }

    /// <summary>Whether a budget limits the partner's commission: its own, else its program's per-partner one, or the program's.</summary>
    public static bool HasBudget(Partner partner, PartnerProgram? program) =>
        program?.Budget is not null || (partner.Budget ?? program?.PartnerBudget) is not null;

    /// <summary>
    /// Budgets are in the program currency and there are no exchange rates, so commission in another currency (a percent
    /// of an order in that currency) cannot be checked against a budget: the flag that holds it for a reviewer, or null
    /// when no budget applies or the currency is the program's. (A partner without a program has no budget currency.)
    /// </summary>
    public static FraudFlag? BudgetUncheckable(Partner partner, PartnerProgram? program, string currency) =>
        HasBudget(partner, program) && currency != program?.Currency
            ? new FraudFlag(FraudRules.ForeignCurrency,
                $"The commission is in {currency}; the budget is in {program?.Currency ?? "no currency"} and there are no exchange rates: check it against the budget.")
            : null;

    /// <summary>
    /// The part of <paramref name="amount"/> the partner's and the program's budgets still allow (rejected entries free
    /// their share), counting only commission in the program currency. <paramref name="pending"/>: entries of the same
    /// booking not saved yet (a sale and earlier milestones). An amount in another currency is returned as it is: see
    /// <see cref="BudgetUncheckable"/>, which holds it.
    /// </summary>
    public async Task<decimal> CapByBudgetsAsync(
        Partner partner, PartnerProgram? program, decimal amount, string currency, CancellationToken cancellationToken,
        IEnumerable<Commission>? pending = null)
    {
        if (currency != program?.Currency)
        {
            return amount;
        }

        var unsaved = (pending ?? []).Where(entry => entry.Currency == currency).ToList();
        var partnerBudget = partner.Budget ?? program.PartnerBudget;
        if (partnerBudget is not null)
        {
            var booked = await db.Commissions.Where(c => c.PartnerId == partner.Id && c.Currency == currency && c.Status != CommissionStatus.Rejected)
                .SumAsync(c => (decimal?)c.Amount, cancellationToken) ?? 0m;
            var alreadyPending = unsaved.Where(entry => entry.PartnerId == partner.Id).Sum(entry => entry.Amount);
            amount = CommissionCalculator.CapByBudget(amount, partnerBudget, booked + alreadyPending, currency);
        }

        if (program.Budget is not null)
        {
            var booked = await db.Commissions.Where(c => c.ProgramId == program.Id && c.Currency == currency && c.Status != CommissionStatus.Rejected)
                .SumAsync(c => (decimal?)c.Amount, cancellationToken) ?? 0m;
            amount = CommissionCalculator.CapByBudget(amount, program.Budget, booked + unsaved.Sum(entry => entry.Amount), currency);
        }

        return amount;
    }
}
