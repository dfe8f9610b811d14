using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Codes;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Attribution.Api.Conversions;

public enum ConversionOutcome
{
    Created,
    Replayed,
    Conflict,
    UnknownClick,
    UnknownProgram,
}

/// <param name="Differs">For a <see cref="ConversionOutcome.Conflict"/>: the request member whose fact differs from the recorded order's.</param>
public sealed record ConversionResult(ConversionOutcome Outcome, ConversionResponse? Response = null, string? Differs = null);

/// <summary>
/// Records a storefront's completed order exactly once per order id: decides the partner (coupon code, customer
/// credit, clicks by the program's model), books the commission per the program's plan (tiers, milestones, budgets),
/// runs the fraud rules (a flag holds, never drops) and stages every event, all in one transaction. A replay
/// (sequential or concurrent) gets the stored result.
/// </summary>
public sealed class ConversionService(
    AttributionDbContext db, CommissionBook book, RetentionMilestones retention, TimeProvider timeProvider, IOptions<AttributionOptions> options,
    AttributionMetrics metrics)
{
    public const string NoteAgreement = "agreement-not-accepted";
    public const string NotePartnerInactive = "partner-not-active";
    public const string NoteBudgetExhausted = "budget-exhausted";
    public const string NoteBudgetCapped = "budget-capped";

    /// <summary>Clicks older than any program window cannot credit; bounds the visitor's click history read.</summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(ProgramRules.MaxWindowDays);

    private sealed record ClickFacts(
        Guid Id, Guid PartnerId, Guid? ProgramId, DateTimeOffset OccurredAt, DateTimeOffset LastSeenAt, string? VisitorId, string? SourceKey, bool Paid);

    /// <summary>Expects a request that passed <see cref="ConversionRules.Validate(RecordConversionRequest, DateTimeOffset)"/>, its
    /// <c>orderedAt</c> read to the microsecond (<c>RecordConversion</c>).</summary>
    /// <param name="keyed">Its <c>Idempotency-Key</c>, if any: stored with the answer in the commit that records the order.</param>
    /// <remarks>
    /// Concurrent orders of one customer meet on its credit row: the first ones to create it or earn a milestone win the
    /// unique index, and the others decide again on what they wrote; a deadlock or serialization failure runs the whole
    /// order again too. Both through <see cref="ConflictRetry"/> (bounded), so a caller never gets a 500 or 503 for them.
    /// </remarks>
    public Task<ConversionResult> RecordAsync(RecordConversionRequest request, IdempotentRequest? keyed, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync(() => RecordOnceAsync(request, keyed, cancellationToken), cancellationToken, alsoRetry: LostCustomerRace);

    /// <summary>
    /// Another order of the same customer committed its first credit or a milestone's entry first (any unique index but the
    /// order's own, which is a replay, and the idempotency key's, which <see cref="IdempotentCreation"/> answers).
    /// </summary>
    internal static bool LostCustomerRace(Exception exception) =>
        exception is DbUpdateException update && !update.IsUniqueViolation(IdempotencyRecordConfiguration.PrimaryKey)
        && update.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };

    private async Task<ConversionResult> RecordOnceAsync(RecordConversionRequest request, IdempotentRequest? keyed, CancellationToken cancellationToken)
    {
        var orderId = request.OrderId!;
        var currency = request.Currency!;
        var amount = Money.Round(request.Amount!.Value, currency);

        if (await FindAsync(orderId, cancellationToken) is { } existing)
        {
            return Replay(existing, request, amount, currency);
        }

        ClickFacts? reported = null;
        if (request.ClickId is { } clickId)
        {
            reported = await FactsOf(db.Clicks.Where(click => click.Id == clickId)).SingleOrDefaultAsync(cancellationToken);
            if (reported is null)
            {
                return new ConversionResult(ConversionOutcome.UnknownClick);
            }
        }

        PartnerProgram? program = null;
        if (request.ProgramId is { } requestedProgram)
        {
            program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == requestedProgram, cancellationToken);
            if (program is null)
            {
                return new ConversionResult(ConversionOutcome.UnknownProgram);
            }
        }

        var now = timeProvider.GetUtcNowForStorage();
        var orderedAt = request.OrderedAt ?? now; // already to the microsecond (RecordConversion)

        var visitorId = request.VisitorId ?? reported?.VisitorId;
        var history = new List<ClickFacts>();
        var from = orderedAt - MaxWindow;
        var until = orderedAt + AttributionDecision.ClockSkewTolerance;
        if (visitorId is not null)
        {
            history = await FactsOf(db.Clicks.Where(click => click.VisitorId == visitorId && click.OccurredAt >= from && click.OccurredAt <= until)
                .OrderByDescending(click => click.OccurredAt).Take(VisitorClicks.HistoryLimit)).ToListAsync(cancellationToken);
        }

        if (reported is not null && history.All(click => click.Id != reported.Id))
        {
            history.Add(reported);
        }

        // From here the order's coupon signals are locked: a CouponRedeemed consumed meanwhile either committed (read below)
        // or waits for this order to commit (and then moves it), so the code partner is the same whatever arrives first.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CouponSignals.LockOrderAsync(db, orderId, cancellationToken);

        // The code partners the order names: its couponCode's, then coupons' signals' (the code redeemed first first). Each
        // counts only in its own program.
        var codePartners = await CouponSignals.CodePartnersAsync(db, orderId, request.CouponCode, cancellationToken);
        var leaked = await CouponSignals.LeakedAsync(db, orderId, cancellationToken);

        if (program is null)
        {
            var anchorPartner = codePartners.Select(code => (Guid?)code.PartnerId).FirstOrDefault() ?? reported?.PartnerId ?? history.FirstOrDefault()?.PartnerId;
            var programId = anchorPartner is { } anchor
                ? await db.Partners.Where(partner => partner.Id == anchor).Select(partner => partner.ProgramId).SingleOrDefaultAsync(cancellationToken)
                : null;
            program = programId is { } id ? await db.Programs.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken) : null;
        }

        Guid? scopeOfCustomer = null;
        if (program is null && codePartners.Count == 0 && reported is null && history.Count == 0 && request.CustomerId is { } returning)
        {
            // No click or code names a program: a returning customer's first credit does.
            scopeOfCustomer = await db.CustomerCredits.AsNoTracking().Where(c => c.CustomerId == returning)
                .OrderBy(c => c.FirstConversionAt).Select(c => (Guid?)c.Scope).FirstOrDefaultAsync(cancellationToken);
            if (scopeOfCustomer is { } found && found != Guid.Empty)
            {
                program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == found, cancellationToken);
            }
        }

        // The visitor's clicks older than any window or after the order are not read above; when nothing else names a
        // program, the nearest of them does, as a reported click would, so the answer says why it did not credit.
        List<Click>? outside = null;
        if (program is null && codePartners.Count == 0 && reported is null && history.Count == 0 && scopeOfCustomer is null && visitorId is not null)
        {
            outside = await VisitorClicks.OfVisitor(db, visitorId, programId: null, anyProgram: true).NearestOutsideAsync(from, until, cancellationToken);
            if (outside.MinBy(click => (click.OccurredAt - orderedAt).Duration()) is { } nearest)
            {
                program = await db.Partners.Where(partner => partner.Id == nearest.PartnerId).Select(partner => partner.ProgramId).SingleAsync(cancellationToken) is { } id
                    ? await db.Programs.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken)
                    : null;
            }
        }

        // A partner's code counts only in the programs it belongs to: another program's code never takes this order.
        var couponPartner = codePartners.Where(code => code.ProgramId == program?.Id).Select(code => (Guid?)code.PartnerId).FirstOrDefault();
        var scope = program?.Id ?? Guid.Empty;
        var credit = request.CustomerId is { } customerId
            ? await db.CustomerCredits.AsNoTracking().SingleOrDefaultAsync(c => c.Scope == scope && c.CustomerId == customerId, cancellationToken)
            : null;
        var terms = program?.Terms() ?? new AttributionTerms(AttributionTerms.LastClickModel, options.Value.Window, CouponPrecedence: true, CustomerCarriesCredit: true);
        if (history.Count >= VisitorClicks.HistoryLimit && visitorId is not null)
        {
            var inProgram = VisitorClicks.InProgram(db, visitorId, program?.Id, orderedAt - terms.Window, orderedAt + AttributionDecision.ClockSkewTolerance);
            foreach (var exact in (await FactsOf(inProgram.Earliest()).ToListAsync(cancellationToken)).Concat(await FactsOf(inProgram.Latest()).ToListAsync(cancellationToken)))
            {
                if (history.All(click => click.Id != exact.Id))
                {
                    history.Add(exact);
                }
            }
        }

        var candidates = history.Where(click => click.ProgramId == program?.Id).ToList();
        var decision = AttributionDecision.Decide(
            terms, couponPartner, credit?.PartnerId,
            [.. candidates.Select(click => new CandidateClick(click.Id, click.PartnerId, click.OccurredAt, click.LastSeenAt))], orderedAt);
        if (decision.Reason == AttributionDecision.NoClick && visitorId is not null && outside is not { Count: 0 })
        {
            // Never credited (older than the longest window, or after the order beyond the clock skew): only the reason.
            var unread = await VisitorClicks.OfVisitor(db, visitorId, program?.Id, anyProgram: false).NearestOutsideAsync(from, until, cancellationToken);
            decision = decision with { Reason = AttributionDecision.Unattributed([.. unread.Select(click => click.OccurredAt)], orderedAt) };
        }

        // The customer's referrer (its credit's partner) earns the retention milestones, whoever is credited with the sale.
        var referrerId = program?.Plan.Milestones is { Count: > 0 } && credit is not null ? credit.PartnerId : (Guid?)null;
        var partners = await PartnersForBookingAsync(decision.PartnerId, referrerId, program, cancellationToken);
        var partner = decision.PartnerId is { } partnerId ? partners.GetValueOrDefault(partnerId) : null;

        // Locked: the customer's order count (milestones, the count itself) as the customer's earlier orders left it.
        if (request.CustomerId is { } lockedCustomer && credit is not null)
        {
            credit = await db.CustomerCredits.FromSql($"SELECT * FROM customer_credits WHERE scope = {scope} AND customer_id = {lockedCustomer} FOR UPDATE")
                .AsNoTracking().SingleAsync(cancellationToken);
            // Recorded once the count is ours: the customer's orders are numbered in the order they are recorded (renumbering
            // after a cancellation sorts them by this time), so an order that waited here is not dated before one that did not.
            now = timeProvider.GetUtcNowForStorage();
        }

        var attributed = partner is not null;
        var creditingClick = decision.ClickId is { } creditingId ? history.FirstOrDefault(click => click.Id == creditingId) : null;
        var conversionId = Guid.CreateVersion7(now);
        Commission? sale = null;
        string? note = null;
        var flags = (IReadOnlyList<FraudFlag>)[];
        IReadOnlyList<FraudFlag>? saleFlags = null;
        var milestones = new List<(RetentionMilestone Milestone, Commission Entry)>();
        (int Tier, decimal? Rate, int Count)? tierReached = null;
        var holdUntil = now + TimeSpan.FromDays(program?.HoldDays ?? options.Value.HoldDays);

        if (attributed)
        {
            note = partner!.Status != PartnerStatus.Active ? NotePartnerInactive
                : !await book.AgreementAcceptedAsync(partner, cancellationToken) ? NoteAgreement
                : null;

            if (note is null)
            {
                var plan = program?.Plan ?? CommissionPlan.FlatRate(partner.CommissionRate);
                var periodCount = await book.PeriodConversionsAsync(partner, plan, orderedAt, cancellationToken);
                var quote = CommissionCalculator.ForSale(plan, amount, currency, program?.Currency ?? currency, request.OrderLines(), periodCount);
                var capped = await book.CapByBudgetsAsync(partner, program, quote.Amount, quote.Currency, cancellationToken);
                if (capped < quote.Amount)
                {
                    note = capped == 0 ? NoteBudgetExhausted : NoteBudgetCapped;
                }

                var sourceClicks = creditingClick is not { } click ? 0 : await ClickFlooding.ClicksBeforeAsync(
                    db, click.Id, click.PartnerId, click.VisitorId, click.SourceKey, click.OccurredAt,
                    AttributionDecision.LastTouch(new CandidateClick(click.Id, click.PartnerId, click.OccurredAt, click.LastSeenAt), orderedAt),
                    cancellationToken);
                saleFlags = FraudRules.Evaluate(new FraudCheck(
                    partner.Email, partner.CustomerId, request.CustomerEmail, request.CustomerId, creditingClick?.OccurredAt, orderedAt,
                    creditingClick?.Paid ?? false, sourceClicks, leaked.Contains(partner.Id),
                    program?.FraudPolicy() ?? FraudPolicy.Default, ReceivedAt: now));
                // A budget in the program currency cannot judge commission in another (no exchange rates): a reviewer does.
                flags = CommissionBook.BudgetUncheckable(partner, program, quote.Currency) is { } uncheckable ? [.. saleFlags, uncheckable] : saleFlags;

                if (capped > 0)
                {
                    sale = new Commission
                    {
                        Id = Guid.CreateVersion7(now),
                        EntryKey = $"sale:{conversionId}",
                        ConversionId = conversionId,
                        PartnerId = partner.Id,
                        ProgramId = program?.Id,
                        OrderId = orderId,
                        Kind = CommissionKind.Sale,
                        Amount = capped,
                        Currency = quote.Currency,
                        Rate = plan.Type == CommissionPlan.Percent ? quote.TierRate ?? plan.Rate : null,
                        PlanVersion = program?.PlanVersion,
                        Status = FraudRules.StatusFor(flags),
                        HoldUntil = holdUntil,
                        HoldReasons = FraudRules.HoldReasonsOf(flags),
                        Note = note,
                        CreatedAt = now,
                    };
                }

                var tierBefore = CommissionCalculator.TierFor(plan, periodCount - 1);
                if (program is not null && quote.Tier > tierBefore)
                {
                    tierReached = (quote.Tier, quote.TierRate, periodCount);
                }
            }
        }

        IReadOnlyList<FraudFlag> referrerFlags = [];
        if (referrerId is not null && credit is not null && program is not null && request.CustomerId is { } customer)
        {
            // The credit may have moved (a late code on the customer's only order) between the first read and the lock.
            var referrer = partners.GetValueOrDefault(credit.PartnerId)
                ?? await db.Partners.AsNoTracking().SingleAsync(p => p.Id == credit.PartnerId, cancellationToken);
            // A referrer who may not earn still reaches its milestones: each says why it pays nothing, as a sale's note does.
            var referrerNote = referrer.Status != PartnerStatus.Active ? NotePartnerInactive
                : !await book.AgreementAcceptedAsync(referrer, cancellationToken) ? NoteAgreement
                : null;
            // The sale's own flags when the referrer is also credited with the sale; else the rules about the customer and the
            // referrer (no click of the referrer decided this order).
            referrerFlags = referrer.Id == partner?.Id && saleFlags is not null ? saleFlags
                : FraudRules.Evaluate(new FraudCheck(
                    referrer.Email, referrer.CustomerId, request.CustomerEmail, request.CustomerId, ClickedAt: null, orderedAt,
                    ClickHasPaidClickId: false, RecentClicksFromSameSource: 0, leaked.Contains(referrer.Id),
                    program.FraudPolicy()));
            var reached = CommissionCalculator.MilestonesReached(program.Plan, credit.OrderCount + 1, credit.FirstConversionAt, orderedAt);
            foreach (var milestone in reached)
            {
                var key = await retention.KeyAsync(
                    milestone.OrderCount is { } count ? RetentionMilestones.OrderCountKey(scope, customer, count) : RetentionMilestones.ActiveDaysKey(scope, customer, milestone.ActiveDays!.Value),
                    conversionId, cancellationToken);
                if (key is null)
                {
                    continue;
                }

                if (referrerNote is not null)
                {
                    retention.Unpaid(referrer.Id, program, milestone, customer, orderId, referrerNote, now);
                    continue;
                }

                // Everything this conversion books counts against the budgets: the sale and the milestones before this one.
                var pending = milestones.Select(pair => pair.Entry).Prepend(sale).OfType<Commission>();
                var full = Money.Round(milestone.Bonus, program.Currency);
                var bonus = await book.CapByBudgetsAsync(referrer, program, full, program.Currency, cancellationToken, pending);
                if (bonus <= 0)
                {
                    // Nothing left to book, but reached: the event says so, as the conversion's note does for a sale.
                    retention.Unpaid(referrer.Id, program, milestone, customer, orderId, NoteBudgetExhausted, now);
                    continue;
                }

                milestones.Add((milestone, new Commission
                {
                    Id = Guid.CreateVersion7(now),
                    EntryKey = key,
                    ConversionId = conversionId,
                    PartnerId = referrer.Id,
                    ProgramId = program.Id,
                    OrderId = orderId,
                    Kind = CommissionKind.Milestone,
                    Amount = bonus,
                    Currency = program.Currency,
                    PlanVersion = program.PlanVersion,
                    Status = FraudRules.StatusFor(referrerFlags),
                    HoldUntil = holdUntil,
                    HoldReasons = FraudRules.HoldReasonsOf(referrerFlags),
                    Note = bonus < full ? NoteBudgetCapped : null,
                    CreatedAt = now,
                }));
            }
        }

        var conversion = new Conversion
        {
            Id = conversionId,
            OrderId = orderId,
            ClickId = attributed ? decision.ClickId : reported?.Id,
            ReportedClickId = request.ClickId,
            PartnerId = attributed ? partner!.Id : null,
            ProgramId = program?.Id,
            Attributed = attributed,
            Reason = decision.Reason,
            Amount = amount,
            Currency = currency,
            CommissionAmount = sale?.Amount ?? 0m,
            CommissionCurrency = sale?.Currency,
            CommissionNote = note,
            CustomerId = request.CustomerId,
            CustomerEmail = CustomerEmail.Normalize(request.CustomerEmail),
            VisitorId = visitorId,
            CouponCode = request.CouponCode,
            Lines = request.OrderLines(),
            OrderedAt = orderedAt,
            CreatedAt = now,
        };
        db.Conversions.Add(conversion);

        if (attributed)
        {
            StageAttribution(conversion, partner!, program, sale, flags, tierReached, now);
        }

        foreach (var (milestone, entry) in milestones)
        {
            // Flags the sale's entry already carries for the same partner are not raised twice.
            retention.Book(entry, milestone, request.CustomerId!, entry.PartnerId == sale?.PartnerId ? [] : referrerFlags, now);
        }

        // After the first attributed order the customer carries the credit (per program terms); every later order of the
        // customer in the program counts for its referrer's milestones, whoever gets the sale.
        if (request.CustomerId is { } counted && (credit is not null || attributed))
        {
            conversion.CreditScope = scope;
            if (credit is null)
            {
                db.CustomerCredits.Add(new CustomerCredit
                {
                    Scope = scope, CustomerId = counted, PartnerId = partner!.Id, FirstConversionAt = conversion.OrderedAt, OrderCount = 1,
                });
            }
            else
            {
                db.CustomerCredits.Attach(credit);
                credit.OrderCount++;
            }
        }

        var response = ConversionResponse.From(conversion);
        db.RememberAnswer(keyed, response, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ConversionConfiguration.UniqueOrderIdIndex))
        {
            // A concurrent request for the same order committed first; nothing of ours was written.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var winner = await FindAsync(orderId, cancellationToken)
                ?? throw new InvalidOperationException($"Conversion for order {orderId} violated uniqueness but cannot be read.");
            return Replay(winner, request, amount, currency);
        }

        metrics.ConversionRecorded(attributed);
        foreach (var entry in milestones.Select(pair => pair.Entry).Prepend(sale).OfType<Commission>())
        {
            metrics.CommissionBooked(entry.Amount, entry.Currency);
        }

        return new ConversionResult(ConversionOutcome.Created, response);
    }

    public Task<Conversion?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        db.Conversions.AsNoTracking().SingleOrDefaultAsync(conversion => conversion.OrderId == orderId, cancellationToken);

    /// <summary>
    /// The partners this order books for (the sale's, and the customer's referrer for milestones), those with limits locked:
    /// tiers count a partner's conversions and budgets sum its commissions. A plan with neither books without locks, so
    /// one busy partner's orders commit side by side.
    /// </summary>
    private async Task<Dictionary<Guid, Partner>> PartnersForBookingAsync(
        Guid? salePartnerId, Guid? referrerId, PartnerProgram? program, CancellationToken cancellationToken)
    {
        Guid[] ids = [.. new[] { salePartnerId, referrerId }.OfType<Guid>().Distinct()];
        if (ids.Length == 0)
        {
            return [];
        }

        var partners = await db.Partners.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var limited = partners.Values.Where(p => BookingsCountAgainstLimits(p, program)).Select(p => p.Id).ToList();
        if (limited.Count > 0)
        {
            foreach (var locked in await book.LockForBookingAsync(limited, program, cancellationToken))
            {
                partners[locked.Id] = locked;
            }
        }

        return partners;
    }

    private static bool BookingsCountAgainstLimits(Partner partner, PartnerProgram? program) =>
        program?.Plan.Tiers is { Count: > 0 } || program?.Budget is not null || (partner.Budget ?? program?.PartnerBudget) is not null;

    private IQueryable<ClickFacts> FactsOf(IQueryable<Click> clicks) =>
        clicks.AsNoTracking().Join(db.Partners, click => click.PartnerId, partner => partner.Id, (click, partner) => new ClickFacts(
            click.Id, click.PartnerId, partner.ProgramId, click.OccurredAt, click.LastSeenAt, click.VisitorId, click.SourceKey,
            click.Gclid != null || click.Fbclid != null || click.Msclkid != null || click.Ttclid != null || click.LiFatId != null
            || click.Rdclid != null || click.Twclid != null));

    private void StageAttribution(
        Conversion conversion, Partner partner, PartnerProgram? program, Commission? sale, IReadOnlyList<FraudFlag> flags,
        (int Tier, decimal? Rate, int Count)? tierReached, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new ConversionAttributed
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            ConversionId = conversion.Id,
            OrderId = conversion.OrderId,
            PartnerId = partner.Id,
            ClickId = conversion.ClickId,
            OrderAmount = conversion.Amount,
            Currency = conversion.Currency,
            CommissionAmount = conversion.CommissionAmount,
            CommissionCurrency = conversion.CommissionCurrency,
            OrderedAt = conversion.OrderedAt,
        });

        if (sale is not null)
        {
            book.Book(sale, flags, now);
        }
        else
        {
            foreach (var flag in flags)
            {
                book.FlagRaised(partner.Id, flag, conversion.OrderId, null, conversion.ClickId, now);
            }
        }

        if (tierReached is { } tier)
        {
            db.AddIntegrationEvent(new PartnerTierReached
            {
                EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = partner.Id, ProgramId = program!.Id, Tier = tier.Tier,
                Rate = tier.Rate ?? program.Plan.Rate ?? 0m, Period = $"{CommissionBook.Period(conversion.OrderedAt).Start:yyyy-MM}", PeriodConversions = tier.Count,
            });
        }
    }

    /// <summary>
    /// The same order reported again: the stored answer when every fact that decides the outcome matches, else a conflict
    /// naming the first member that differs. Compared as the order was read: amounts rounded to the currency, lines as a
    /// multiset (their order does not change the commission), coupon codes as looked up (NFKC, trimmed, any case), e-mails
    /// by the shared fold (invisible characters removed, NFKC, trimmed, any case). <c>orderedAt</c>, <c>programId</c> and
    /// <c>visitorId</c> only when sent: left out, the first request's value (the time it arrived, the program or visitor
    /// found) stands, so a retry need not know it.
    /// </summary>
    private static ConversionResult Replay(Conversion existing, RecordConversionRequest request, decimal amount, string currency)
    {
        var differs =
            existing.Amount != amount ? "amount"
            : existing.Currency != currency ? "currency"
            : existing.ReportedClickId != request.ClickId ? "clickId"
            : request.OrderedAt is { } orderedAt && orderedAt != existing.OrderedAt ? "orderedAt"
            : request.ProgramId is { } programId && programId != existing.ProgramId ? "programId"
            : request.VisitorId is { } visitorId && visitorId != existing.VisitorId ? "visitorId"
            : existing.CustomerId != request.CustomerId ? "customerId"
            : EmailAsRead(existing.CustomerEmail) != EmailAsRead(request.CustomerEmail) ? "customerEmail"
            : CodeAsRead(existing.CouponCode) != CodeAsRead(request.CouponCode) ? "couponCode"
            : !CanonicalLines(existing.Lines, currency).SequenceEqual(CanonicalLines(request.OrderLines(), currency)) ? "lines"
            : null;
        return differs is null
            ? new ConversionResult(ConversionOutcome.Replayed, ConversionResponse.From(existing))
            : new ConversionResult(ConversionOutcome.Conflict, Differs: differs);
    }

    /// <summary>An e-mail as the shared rule reads it (<see cref="CustomerEmail.Fold(string)"/>), also for one stored before it was stored folded.</summary>
    private static string? EmailAsRead(string? email) => email is null ? null : CustomerEmail.Fold(email);

    /// <summary>A code as <see cref="CouponSignals.CodePartnersAsync"/> reads it (<see cref="CouponCodeFormat"/>); text that is no code, trimmed in any case.</summary>
    private static string? CodeAsRead(string? code) =>
        code is null ? null : CouponCodeFormat.TryNormalize(code, out var read) ? read : code.Trim().ToUpperInvariant();

    private static IEnumerable<(string? Category, decimal Amount)> CanonicalLines(List<OrderLine>? lines, string currency) =>
        (lines ?? []).Select(line => (line.Category, Amount: Money.Round(line.Amount, currency)))
            .OrderBy(line => line.Category, StringComparer.Ordinal).ThenBy(line => line.Amount);
}
