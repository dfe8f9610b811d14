using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Payouts;

public sealed record PayoutItemResponse(Guid PartnerId, string Currency, decimal Amount, int EntryCount);

public sealed record PayoutBatchResponse(Guid Id, DateTimeOffset CreatedAt, IReadOnlyList<PayoutItemResponse> Items)
{
    public static PayoutBatchResponse From(PayoutBatch batch) => new(batch.Id, batch.CreatedAt,
        [.. batch.Items.OrderBy(item => item.PartnerId).ThenBy(item => item.Currency)
            .Select(item => new PayoutItemResponse(item.PartnerId, item.Currency, Money.Round(item.Amount, item.Currency), item.EntryCount))]);
}

/// <summary>Ledger buckets of one partner in one currency. Reversals net inside the bucket of what they reverse.</summary>
public sealed record LedgerTotals(
    string Currency, decimal Earned, decimal Pending, decimal Held, decimal Approved, decimal Paid, decimal Reversed, decimal ClawedBack, decimal Rejected);

public sealed record LedgerResponse(Guid PartnerId, IReadOnlyList<LedgerTotals> Totals);

public sealed record CommissionResponse(
    Guid Id, string Kind, Guid PartnerId, Guid? ProgramId, string? OrderId, decimal Amount, string Currency, string Status,
    DateTimeOffset HoldUntil, IReadOnlyList<string> HoldReasons, string? Note, Guid? OriginalCommissionId, Guid? PayoutBatchId,
    int? PlanVersion, decimal? Rate, DateTimeOffset CreatedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? PaidAt)
{
    public static CommissionResponse From(Commission entry) => new(
        entry.Id, entry.Kind, entry.PartnerId, entry.ProgramId, entry.OrderId, Money.Round(entry.Amount, entry.Currency), entry.Currency,
        entry.Status, entry.HoldUntil, entry.HoldReasons?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [], entry.Note,
        entry.OriginalCommissionId, entry.PayoutBatchId, entry.PlanVersion, entry.Rate, entry.CreatedAt, entry.ApprovedAt, entry.PaidAt);
}

/// <summary>A new batch, the batch an idempotency key already stands for (replayed), or none and why (<paramref name="NothingPayable"/>).</summary>
public sealed record PayoutBatchResult(PayoutBatch? Batch, bool Replayed = false, string? NothingPayable = null);

/// <summary>
/// Pays every partner the net of its approved, unpaid entries per currency (clawbacks included). A partner whose net is
/// zero or negative is skipped: its entries stay for the next batch, so a clawback is never lost. When no partner has
/// anything to be paid, no batch is written: finance never gets an empty batch to export and reconcile.
/// </summary>
public sealed class PayoutService(AttributionDbContext db, TimeProvider timeProvider)
{
    /// <summary>The problem <c>reason</c> of a payout request that finds nothing to pay.</summary>
    public const string NothingPayableReason = "nothing_payable";

    /// <summary>First key of <c>pg_advisory_xact_lock(int, int)</c>: one idempotency key's payout requests (the second key).</summary>
    private const int KeyLock = 0x5061794B; // "PayK"

    public async Task<PayoutBatchResult> CreateBatchAsync(string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && await FindByKeyAsync(idempotencyKey, cancellationToken) is { } existing)
        {
            return new(existing, Replayed: true);
        }

        var now = timeProvider.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (idempotencyKey is not null)
        {
            // Requests under one key run one at a time, each seeing what the one before committed: a retry that arrives
            // while the first request is paying would otherwise skip the rows it locked (SKIP LOCKED), find nothing and
            // answer nothing_payable although the key's batch is being created.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({KeyLock}, hashtext({idempotencyKey}))", cancellationToken);
            if (await FindByKeyAsync(idempotencyKey, cancellationToken) is { } committed)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new(committed, Replayed: true);
            }
        }

        var approved = await db.Commissions.FromSql(
                $"SELECT * FROM commissions WHERE status = 'approved' AND payout_batch_id IS NULL FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        var batch = new PayoutBatch { Id = Guid.CreateVersion7(now), IdempotencyKey = idempotencyKey, CreatedAt = now };
        foreach (var group in approved.GroupBy(entry => (entry.PartnerId, entry.Currency)))
        {
            var net = Money.Round(group.Sum(entry => entry.Amount), group.Key.Currency);
            if (net <= 0)
            {
                continue;
            }

            foreach (var entry in group)
            {
                entry.Status = CommissionStatus.Paid;
                entry.PayoutBatchId = batch.Id;
                entry.PaidAt = now;
            }

            batch.Items.Add(new PayoutItem { BatchId = batch.Id, PartnerId = group.Key.PartnerId, Currency = group.Key.Currency, Amount = net, EntryCount = group.Count() });
            db.AddIntegrationEvent(new CommissionPaid
            {
                EventId = Guid.CreateVersion7(now), OccurredAt = now, PayoutBatchId = batch.Id, PartnerId = group.Key.PartnerId, Amount = net,
                Currency = group.Key.Currency, EntryCount = group.Count(),
            });
        }

        if (batch.Items.Count == 0)
        {
            // Nothing was changed; the key stays unused (a refusal stores no key), so a retry once something is approved pays it.
            await transaction.RollbackAsync(cancellationToken);
            return new(null, NothingPayable: approved.Count == 0
                ? "No commission is approved and unpaid, so no payout batch was created. Commissions become payable once approved (after their hold period, or released by a reviewer)."
                : $"The {approved.Count} approved, unpaid commission entries net to zero or less for every partner and currency (clawbacks exceed earnings), so no payout batch was created; they are carried to the next batch.");
        }

        db.PayoutBatches.Add(batch);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation(CommissionConfiguration.UniquePayoutIdempotencyKeyIndex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return new(await FindByKeyAsync(idempotencyKey, cancellationToken) ?? throw new InvalidOperationException("Payout batch vanished."), Replayed: true);
        }

        return new(batch);
    }

    public Task<PayoutBatch?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.PayoutBatches.AsNoTracking().Include(batch => batch.Items).SingleOrDefaultAsync(batch => batch.Id == id, cancellationToken);

    private Task<PayoutBatch?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        db.PayoutBatches.AsNoTracking().Include(batch => batch.Items).SingleOrDefaultAsync(batch => batch.IdempotencyKey == key, cancellationToken);

    public async Task<LedgerResponse> LedgerAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        var rows = await db.Commissions.AsNoTracking().Where(c => c.PartnerId == partnerId)
            .GroupBy(c => new { c.Currency, c.Status, c.Kind })
            .Select(group => new { group.Key.Currency, group.Key.Status, group.Key.Kind, Amount = group.Sum(c => c.Amount) })
            .ToListAsync(cancellationToken);
        var totals = rows.GroupBy(row => row.Currency).OrderBy(group => group.Key).Select(group =>
        {
            decimal Sum(Func<string, string, bool> match) => Money.Round(group.Where(row => match(row.Status, row.Kind)).Sum(row => row.Amount), group.Key);
            return new LedgerTotals(
                group.Key,
                Earned: Sum((status, kind) => status != CommissionStatus.Rejected && kind is not (CommissionKind.Reversal or CommissionKind.Clawback)),
                Pending: Sum((status, _) => status == CommissionStatus.Pending),
                Held: Sum((status, _) => status == CommissionStatus.Held),
                Approved: Sum((status, _) => status == CommissionStatus.Approved),
                Paid: Sum((status, _) => status == CommissionStatus.Paid),
                Reversed: -Sum((status, kind) => status != CommissionStatus.Rejected && kind == CommissionKind.Reversal),
                ClawedBack: -Sum((_, kind) => kind == CommissionKind.Clawback),
                Rejected: Sum((status, kind) => status == CommissionStatus.Rejected && kind is not (CommissionKind.Reversal or CommissionKind.Clawback)));
        }).ToList();
        return new LedgerResponse(partnerId, totals);
    }
}
