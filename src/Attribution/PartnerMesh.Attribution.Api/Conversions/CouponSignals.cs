using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Contracts.Codes;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>A partner whose code an order used, in the order's precedence (see <see cref="CouponSignals.CodePartnersAsync"/>).</summary>
public sealed record CodePartner(Guid PartnerId, Guid? ProgramId, bool LeakSuspected);

/// <summary>
/// What coupons told attribution about an order's partner codes (<see cref="CouponSignal"/>), and the order's lock for it.
/// </summary>
public static class CouponSignals
{
    /// <summary>First key of <c>pg_advisory_xact_lock(int, int)</c>: one order's coupon signals (the second key).</summary>
    private const int OrderLock = 0x436F7570; // "Coup"

    /// <summary>
    /// Holds, until the caller's transaction ends, the order's coupon-signal lock: coupons' events for the order and the
    /// recording of the order itself run one at a time, each seeing what the others committed. Taken before any other lock
    /// (partners, program, customer credit, order row).
    /// </summary>
    public static async Task LockOrderAsync(AttributionDbContext db, string orderId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OrderLock}, hashtext({orderId}))", cancellationToken);

    /// <summary>The order's signal for a partner's code, tracked (added when new).</summary>
    public static async Task<CouponSignal> FindOrAddAsync(AttributionDbContext db, string orderId, Guid codePartnerId, CancellationToken cancellationToken)
    {
        var signal = await db.CouponSignals.SingleOrDefaultAsync(s => s.OrderId == orderId && s.CodePartnerId == codePartnerId, cancellationToken);
        if (signal is null)
        {
            signal = new CouponSignal { OrderId = orderId, CodePartnerId = codePartnerId };
            db.CouponSignals.Add(signal);
        }

        return signal;
    }

    /// <summary>
    /// The partners whose codes the order used, first the one that takes the order: the partner of the order's own
    /// <c>couponCode</c>, then the partners of the codes coupons reported, the code redeemed first first (ties by partner
    /// id). The same facts give the same list whatever order they arrived in. <c>couponCode</c> is read by the one rule
    /// every service reads codes by (<see cref="CouponCodeFormat"/>: NFKC, trimmed, case-insensitive). One code text has one
    /// owner: when coupons reported the order's redemption of that very code, the code is that coupons partner code (its
    /// partner first), and a referral link code of the same text is not the order's code.
    /// </summary>
    public static async Task<List<CodePartner>> CodePartnersAsync(AttributionDbContext db, string orderId, string? couponCode, CancellationToken cancellationToken)
    {
        var signals = await db.CouponSignals.AsNoTracking().Where(s => s.OrderId == orderId)
            .Join(db.Partners, s => s.CodePartnerId, partner => partner.Id, (s, partner) => new { s.CodePartnerId, partner.ProgramId, s.RedeemedAt, s.LeakReason, s.Code })
            .ToListAsync(cancellationToken);
        var partners = new List<CodePartner>();
        if (CouponCodeFormat.TryNormalize(couponCode, out var code))
        {
            var redeemed = signals.Where(s => s.RedeemedAt is not null && CouponCodeFormat.TryNormalize(s.Code, out var signalCode) && signalCode == code)
                .OrderBy(s => s.RedeemedAt).ThenBy(s => s.CodePartnerId).FirstOrDefault();
            if (redeemed is not null)
            {
                partners.Add(new CodePartner(redeemed.CodePartnerId, redeemed.ProgramId, redeemed.LeakReason is not null));
            }
            else
            {
                var linkCode = code.ToLowerInvariant();
                var owner = await db.Links.AsNoTracking().Where(link => link.Code == linkCode)
                    .Join(db.Partners, link => link.PartnerId, partner => partner.Id, (link, partner) => new { partner.Id, partner.ProgramId })
                    .SingleOrDefaultAsync(cancellationToken);
                if (owner is not null)
                {
                    partners.Add(new CodePartner(owner.Id, owner.ProgramId, signals.Any(s => s.CodePartnerId == owner.Id && s.LeakReason is not null)));
                }
            }
        }

        foreach (var signal in signals.Where(s => s.RedeemedAt is not null).OrderBy(s => s.RedeemedAt).ThenBy(s => s.CodePartnerId))
        {
            if (partners.All(code => code.PartnerId != signal.CodePartnerId))
            {
                partners.Add(new CodePartner(signal.CodePartnerId, signal.ProgramId, signal.LeakReason is not null));
            }
        }

        return partners;
    }

    /// <summary>The partners whose code coupons reported as leaked for the order.</summary>
    public static async Task<HashSet<Guid>> LeakedAsync(AttributionDbContext db, string orderId, CancellationToken cancellationToken) =>
        [.. await db.CouponSignals.AsNoTracking().Where(s => s.OrderId == orderId && s.LeakReason != null).Select(s => s.CodePartnerId).ToListAsync(cancellationToken)];
}
