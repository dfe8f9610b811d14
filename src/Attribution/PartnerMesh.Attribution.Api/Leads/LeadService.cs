using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Attribution.Api.Leads;

public enum LeadOutcome
{
    Created,
    Replayed,
    Conflict,
    UnknownClick,
}

public sealed record LeadResult(LeadOutcome Outcome, LeadResponse? Response = null);

/// <summary>
/// Records a lead once per lead id and, for programs whose plan pays per lead, books that amount (program currency) to
/// the partner whose click earns it under the program's model and window. The same fraud rules as sales hold the entry
/// (self-referral, disposable e-mail, implausibly fast, paid search under a policy, click flooding); budgets cap it.
/// </summary>
public sealed class LeadService(
    AttributionDbContext db, CommissionBook book, TimeProvider timeProvider, IOptions<AttributionOptions> options, AttributionMetrics metrics)
{
    public const string NoteNoPerLeadTerms = "no-per-lead-terms";

    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(ProgramRules.MaxWindowDays);

    /// <summary>Expects a request that passed <see cref="LeadRules.Validate"/>.</summary>
    /// <param name="keyed">Its <c>Idempotency-Key</c>, if any: stored with the answer in the commit that records the lead.</param>
    public async Task<LeadResult> RecordAsync(RecordLeadRequest request, IdempotentRequest? keyed, CancellationToken cancellationToken)
    {
        var leadId = request.LeadId!;
        if (await FindAsync(leadId, cancellationToken) is { } existing)
        {
            return Replay(existing, request.ClickId);
        }

        var now = timeProvider.GetUtcNowForStorage();
        var occurredAt = request.OccurredAt?.ForStorage() ?? now;
        var clicks = db.Clicks.AsNoTracking();
        var reported = request.ClickId is { } clickId ? await clicks.SingleOrDefaultAsync(click => click.Id == clickId, cancellationToken) : null;
        if (request.ClickId is not null && reported is null)
        {
            return new LeadResult(LeadOutcome.UnknownClick);
        }

        var visitorId = request.VisitorId ?? reported?.VisitorId;
        var history = visitorId is null ? [] : await clicks
            .Where(click => click.VisitorId == visitorId && click.OccurredAt >= occurredAt - MaxWindow
                && click.OccurredAt <= occurredAt + AttributionDecision.ClockSkewTolerance)
            .OrderByDescending(click => click.OccurredAt).Take(VisitorClicks.HistoryLimit).ToListAsync(cancellationToken);
        if (reported is not null && history.All(click => click.Id != reported.Id))
        {
            history.Add(reported);
        }

        // The program of the latest click decides (its model and window); clicks of other programs' partners do not compete.
        var clickPartners = history.Select(click => click.PartnerId).Distinct().ToList();
        var programOf = await db.Partners.Where(partner => clickPartners.Contains(partner.Id))
            .ToDictionaryAsync(partner => partner.Id, partner => partner.ProgramId, cancellationToken);
        var anchor = reported ?? history.FirstOrDefault();
        var programId = anchor is null ? null : programOf[anchor.PartnerId];
        var from = occurredAt - MaxWindow;
        var until = occurredAt + AttributionDecision.ClockSkewTolerance;
        // The visitor's clicks older than any window or after the lead are not read above: without a click in range, the
        // nearest of them names the program, as a reported click would, so the answer says why it did not credit.
        List<Click>? outside = null;
        if (anchor is null && visitorId is not null)
        {
            outside = await VisitorClicks.OfVisitor(db, visitorId, programId: null, anyProgram: true).NearestOutsideAsync(from, until, cancellationToken);
            if (outside.MinBy(click => (click.OccurredAt - occurredAt).Duration()) is { } nearest)
            {
                programId = await db.Partners.Where(partner => partner.Id == nearest.PartnerId).Select(partner => partner.ProgramId).SingleAsync(cancellationToken);
            }
        }

        var program = programId is { } id ? await db.Programs.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken) : null;
        var terms = program?.Terms() ?? new AttributionTerms(AttributionTerms.LastClickModel, options.Value.Window, CouponPrecedence: false, CustomerCarriesCredit: false);
        if (history.Count >= VisitorClicks.HistoryLimit && visitorId is not null)
        {
            var inProgram = VisitorClicks.InProgram(db, visitorId, programId, occurredAt - terms.Window, occurredAt + AttributionDecision.ClockSkewTolerance).AsNoTracking();
            var edges = (await inProgram.Earliest().ToListAsync(cancellationToken)).Concat(await inProgram.Latest().ToListAsync(cancellationToken));
            foreach (var edge in edges.Where(edge => history.All(click => click.Id != edge.Id)))
            {
                history.Add(edge);
                programOf[edge.PartnerId] = programId;
            }
        }

        var candidates = history.Where(click => programOf[click.PartnerId] == programId)
            .Select(click => new CandidateClick(click.Id, click.PartnerId, click.OccurredAt, click.LastSeenAt)).ToList();
        var decision = AttributionDecision.Decide(terms with { CustomerCarriesCredit = false }, null, null, candidates, occurredAt);
        if (decision.Reason == AttributionDecision.NoClick && visitorId is not null && outside is not { Count: 0 })
        {
            var unread = await VisitorClicks.OfVisitor(db, visitorId, programId, anyProgram: false).NearestOutsideAsync(from, until, cancellationToken);
            decision = decision with { Reason = AttributionDecision.Unattributed([.. unread.Select(click => click.OccurredAt)], occurredAt) };
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var partner = decision.PartnerId is { } partnerId ? await book.LockForBookingAsync(partnerId, program, cancellationToken) : null;
        var crediting = history.FirstOrDefault(click => click.Id == decision.ClickId);
        var leadKey = Guid.CreateVersion7(now);
        Commission? entry = null;
        string? note = null;
        if (partner is not null)
        {
            note = partner.Status != PartnerStatus.Active ? ConversionService.NotePartnerInactive
                : !await book.AgreementAcceptedAsync(partner, cancellationToken) ? ConversionService.NoteAgreement
                : program?.Plan.PerLead is not > 0m ? NoteNoPerLeadTerms
                : null;
            if (note is null)
            {
                var amount = Money.Round(program!.Plan.PerLead!.Value, program.Currency);
                var capped = await book.CapByBudgetsAsync(partner, program, amount, program.Currency, cancellationToken);
                note = capped == 0 ? ConversionService.NoteBudgetExhausted : capped < amount ? ConversionService.NoteBudgetCapped : null;
                var flags = FraudRules.Evaluate(new FraudCheck(
                    partner.Email, partner.CustomerId, request.CustomerEmail, request.CustomerId, crediting?.OccurredAt, occurredAt,
                    crediting?.HasPaidClickId ?? false, crediting is null ? 0 : await ClickFlooding.ClicksBeforeAsync(
                        db, crediting.Id, crediting.PartnerId, crediting.VisitorId, crediting.SourceKey, crediting.OccurredAt,
                        AttributionDecision.LastTouch(new CandidateClick(crediting.Id, crediting.PartnerId, crediting.OccurredAt, crediting.LastSeenAt), occurredAt),
                        cancellationToken),
                    CodeLeakSuspected: false, program.FraudPolicy(), ReceivedAt: now));
                if (capped > 0)
                {
                    entry = new Commission
                    {
                        Id = Guid.CreateVersion7(now),
                        EntryKey = $"lead:{leadId}",
                        PartnerId = partner.Id,
                        ProgramId = program.Id,
                        Kind = CommissionKind.Lead,
                        Amount = capped,
                        Currency = program.Currency,
                        PlanVersion = program.PlanVersion,
                        Status = FraudRules.StatusFor(flags),
                        HoldUntil = now + TimeSpan.FromDays(program.HoldDays),
                        HoldReasons = FraudRules.HoldReasonsOf(flags),
                        Note = note is null ? $"lead {leadId}" : $"lead {leadId}; {note}",
                        CreatedAt = now,
                    };
                    book.Book(entry, flags, now);
                }
            }
        }

        var lead = new Lead
        {
            Id = leadKey,
            LeadId = leadId,
            Kind = request.Kind,
            ClickId = partner is not null ? decision.ClickId : reported?.Id,
            ReportedClickId = request.ClickId,
            PartnerId = partner?.Id,
            ProgramId = program?.Id,
            Attributed = partner is not null,
            Reason = decision.Reason,
            CommissionId = entry?.Id,
            CommissionAmount = entry?.Amount ?? 0m,
            CommissionCurrency = entry?.Currency,
            CommissionNote = note,
            CustomerId = request.CustomerId,
            CustomerEmail = CustomerEmail.Normalize(request.CustomerEmail),
            VisitorId = visitorId,
            OccurredAt = occurredAt,
            CreatedAt = now,
        };
        db.Leads.Add(lead);
        var response = LeadResponse.From(lead);
        db.RememberAnswer(keyed, response, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(LeadConfiguration.UniqueLeadIdIndex)
            || exception.IsUniqueViolation(CommissionConfiguration.UniqueEntryKeyIndex))
        {
            // The same lead reported concurrently: the first commit wins, and this request answers with it.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var winner = await FindAsync(leadId, cancellationToken)
                ?? throw new InvalidOperationException($"Lead {leadId} violated uniqueness but cannot be read.");
            return Replay(winner, request.ClickId);
        }

        if (entry is not null)
        {
            metrics.CommissionBooked(entry.Amount, entry.Currency);
        }

        return new LeadResult(LeadOutcome.Created, response);
    }

    public Task<Lead?> FindAsync(string leadId, CancellationToken cancellationToken) =>
        db.Leads.AsNoTracking().SingleOrDefaultAsync(lead => lead.LeadId == leadId, cancellationToken);

    private static LeadResult Replay(Lead existing, Guid? clickId) =>
        existing.ReportedClickId == clickId
            ? new LeadResult(LeadOutcome.Replayed, LeadResponse.From(existing))
            : new LeadResult(LeadOutcome.Conflict);
}
