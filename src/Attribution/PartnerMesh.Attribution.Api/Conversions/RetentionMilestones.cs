using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// Retention milestones belong to the partner who referred the customer: the holder of the customer's credit in the
/// program (the partner of its first attributed order). Every later order of the customer in the program counts, whoever
/// is credited with its sale (or nobody). The orders that count are the customer's standing orders (not refunded in full
/// nor cancelled) in the order they were recorded, and the Nth of them carries the Nth-order bonus: when one leaves the
/// count, the later orders move up a place and their bonuses with them (<see cref="RenumberAsync"/>).
/// </summary>
public sealed class RetentionMilestones(AttributionDbContext db, CommissionBook book)
{
    public const string RenumberedReason = "renumbered";

    public static string OrderCountKey(Guid scope, string customerId, int count) => $"{OrderCountPrefix(scope, customerId)}{count}";

    public static string ActiveDaysKey(Guid scope, string customerId, int days) => $"milestone:{scope}:{customerId}:days:{days}";

    private static string OrderCountPrefix(Guid scope, string customerId) => $"milestone:{scope}:{customerId}:orders:";

    /// <summary>
    /// The entry key for a milestone of the customer, or null when the milestone is already earned. A milestone whose
    /// every bonus was taken back (the order that earned it was refunded in full or cancelled) can be earned again, by
    /// the order that now reaches it, under a key naming that conversion.
    /// </summary>
    public async Task<string?> KeyAsync(string key, Guid conversionId, CancellationToken cancellationToken)
    {
        var earned = await db.Commissions.AsNoTracking().Where(c => c.EntryKey == key || c.EntryKey.StartsWith(key + ":"))
            .Select(c => new { c.Id, c.Amount, c.Status }).ToListAsync(cancellationToken);
        if (earned.Count == 0)
        {
            return key;
        }

        var ids = earned.Select(entry => entry.Id).ToList();
        var takenBack = await db.Commissions.Where(c => c.OriginalCommissionId != null && ids.Contains(c.OriginalCommissionId.Value))
            .SumAsync(c => (decimal?)c.Amount, cancellationToken) ?? 0m;
        // A rejected bonus stays earned: review said no, and a later order must not pay it after all.
        var live = earned.Any(entry => entry.Status == CommissionStatus.Rejected) || earned.Sum(entry => entry.Amount) + takenBack > 0;
        return live ? null : $"{key}:{conversionId}";
    }

    /// <summary>Stages a bonus entry with <see cref="CommissionBooked"/> (and its hold) and <see cref="RetentionMilestoneReached"/>.</summary>
    public void Book(Commission entry, RetentionMilestone milestone, string customerId, IReadOnlyList<FraudFlag> flags, DateTimeOffset now)
    {
        book.Book(entry, flags, now);
        Reached(entry, Kind(milestone), Threshold(milestone), customerId, now);
    }

    /// <summary>
    /// The order reached a milestone that pays the referrer nothing — <paramref name="note"/> says why, as a sale's
    /// <c>commissionNote</c> does: <c>partner-not-active</c>, <c>agreement-not-accepted</c>, or <c>budget-exhausted</c> (its
    /// budgets leave nothing of the bonus). No entry, and <see cref="RetentionMilestoneReached"/> with a zero bonus and
    /// the note, so the milestone is never silently dropped.
    /// </summary>
    public void Unpaid(
        Guid referrerId, PartnerProgram program, RetentionMilestone milestone, string customerId, string orderId, string note, DateTimeOffset now) =>
        db.AddIntegrationEvent(new RetentionMilestoneReached
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = referrerId, ProgramId = program.Id, CustomerId = customerId,
            Milestone = Kind(milestone), Threshold = Threshold(milestone), OrderId = orderId, Bonus = 0m, Currency = program.Currency,
            Note = note,
        });

    /// <summary>Whether a bonus entry's note says its budget cut it (<c>budget-capped</c>, alone or after another fact).</summary>
    public static bool IsBudgetCapped(string? note) =>
        note is not null && (note == ConversionService.NoteBudgetCapped || note.EndsWith($"; {ConversionService.NoteBudgetCapped}", StringComparison.Ordinal));

    /// <summary>
    /// The note of a bonus moved by renumbering: where it came from and, when its budget had cut it, <c>budget-capped</c>
    /// still (the entry carries both facts). Within the note's 100 characters: a long order id is shortened, never the facts.
    /// </summary>
    public static string RenumberedNote(string? fromOrderId, bool budgetCapped)
    {
        const int MaxLength = 100;
        var prefix = $"{RenumberedReason} from order ";
        var suffix = budgetCapped ? $"; {ConversionService.NoteBudgetCapped}" : "";
        var order = fromOrderId ?? "";
        var room = MaxLength - prefix.Length - suffix.Length;
        return prefix + (order.Length <= room ? order : string.Concat(order.AsSpan(0, room - 1), "…")) + suffix;
    }

    private static string Kind(RetentionMilestone milestone) => milestone.OrderCount is not null ? "order-count" : "active-days";

    private static int Threshold(RetentionMilestone milestone) => milestone.OrderCount ?? milestone.ActiveDays!.Value;

    /// <summary>
    /// <paramref name="removed"/> just left the customer's count (refunded in full or cancelled; the refund reversed its own
    /// bonuses). The later standing orders move up a place: each live order-count bonus goes to the order now at its
    /// position (reversed where it was, booked again, same amount and state, on that order), and a bonus whose position
    /// no order reaches any more is reversed. Orders 1, 2, 3 with the 2nd- and 3rd-order bonuses, order 2 cancelled: order
    /// 3 now carries the 2nd-order bonus and the 3rd-order bonus is reversed until a next order reaches it again.
    /// Active-days bonuses stay where they are (the refund reversed the removed order's own; the next order at least N days
    /// after the first earns it again).
    /// </summary>
    public async Task RenumberAsync(Conversion removed, Guid scope, string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prefix = OrderCountPrefix(scope, customerId);
        // Locked as a refund locks a sale's entries (RefundService): a bonus moved while a payout pays it is a clawback.
        var bonuses = (await db.Commissions.FromSql($"SELECT * FROM commissions WHERE starts_with(entry_key, {prefix}) ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken)).Where(c => c.Kind == CommissionKind.Milestone).ToList();
        if (bonuses.Count == 0)
        {
            return;
        }

        var ids = bonuses.Select(bonus => bonus.Id).ToList();
        var takenBack = await db.Commissions.Where(c => c.OriginalCommissionId != null && ids.Contains(c.OriginalCommissionId.Value))
            .GroupBy(c => c.OriginalCommissionId!.Value).Select(group => new { Id = group.Key, Amount = group.Sum(c => c.Amount) })
            .ToDictionaryAsync(row => row.Id, row => row.Amount, cancellationToken);
        var standing = await db.Conversions.AsNoTracking()
            .Where(c => c.CreditScope == scope && c.CustomerId == customerId && c.Id != removed.Id)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.OrderId }).ToListAsync(cancellationToken);

        foreach (var bonus in bonuses.Where(bonus => bonus.Status != CommissionStatus.Rejected))
        {
            var left = bonus.Amount + takenBack.GetValueOrDefault(bonus.Id);
            if (left <= 0 || !int.TryParse(bonus.EntryKey.AsSpan(prefix.Length).ToString().Split(':')[0], CultureInfo.InvariantCulture, out var position))
            {
                continue;
            }

            var carrier = position <= standing.Count ? standing[position - 1] : null;
            if (bonus.ConversionId == carrier?.Id)
            {
                continue;
            }

            // The removed order's bonuses were reversed by its refund in this transaction; the others are reversed here.
            if (bonus.ConversionId != removed.Id)
            {
                var reversal = bonus.ReversedBy(left, $"renumber:{removed.Id}:{bonus.Id}", now, note: RenumberedReason);
                db.Commissions.Add(reversal);
                book.Reversed(reversal, RenumberedReason, now);
            }

            if (carrier is null)
            {
                continue;
            }

            var key = $"{OrderCountKey(scope, customerId, position)}:{carrier.Id}";
            var moved = new Commission
            {
                Id = Guid.CreateVersion7(now),
                EntryKey = await db.Commissions.AnyAsync(c => c.EntryKey == key, cancellationToken) ? $"{key}:{Guid.CreateVersion7(now)}" : key,
                ConversionId = carrier.Id,
                PartnerId = bonus.PartnerId,
                ProgramId = bonus.ProgramId,
                OrderId = carrier.OrderId,
                Kind = CommissionKind.Milestone,
                Amount = left,
                Currency = bonus.Currency,
                PlanVersion = bonus.PlanVersion,
                // Paid before: its clawback is approved at once, so is this, and the next payout nets them out.
                Status = bonus.Status == CommissionStatus.Paid ? CommissionStatus.Approved : bonus.Status,
                HoldUntil = bonus.HoldUntil,
                HoldReasons = bonus.Status == CommissionStatus.Held ? bonus.HoldReasons : null,
                ApprovedAt = bonus.Status is CommissionStatus.Paid or CommissionStatus.Approved ? now : null,
                Note = RenumberedNote(bonus.OrderId, IsBudgetCapped(bonus.Note)),
                CreatedAt = now,
            };
            book.Book(moved, [], now);
            Reached(moved, "order-count", position, customerId, now);
        }
    }

    private void Reached(Commission entry, string milestone, int threshold, string customerId, DateTimeOffset now) =>
        db.AddIntegrationEvent(new RetentionMilestoneReached
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = entry.PartnerId, ProgramId = entry.ProgramId!.Value, CustomerId = customerId,
            Milestone = milestone, Threshold = threshold, OrderId = entry.OrderId!, Bonus = entry.Amount, Currency = entry.Currency,
            Note = IsBudgetCapped(entry.Note) ? ConversionService.NoteBudgetCapped : null,
        });
}
