using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// Automatic rotation of a leaked partner code, inside the redemption's transaction: the code is retired (the conditional
/// update also locks its row, so two leaked redemptions at once rotate it once) and a replacement with the same campaign,
/// partner and the uses left of its limit (<see cref="RemainingUsesAsync"/>) is issued and announced with
/// <c>CouponIssued</c> (source <c>rotation</c>) so the partner learns it.
/// </summary>
public sealed class CodeRotation(CouponsDbContext db, UsageLedger ledger)
{
    private static readonly CodePattern Pattern = CodePattern.TryParse("****-****", null, null, out _)!;

    /// <summary>False when the code was already retired.</summary>
    public async Task<bool> RotateAsync(CouponCode old, Campaign campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Database.ExecuteSqlAsync(
                $"UPDATE coupon_codes SET retired_at = {now} WHERE id = {old.Id} AND retired_at IS NULL", cancellationToken) == 0)
        {
            return false;
        }

        var remaining = await RemainingUsesAsync(ledger, old, now, cancellationToken);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var fresh = new CouponCode
            {
                Id = Guid.CreateVersion7(now),
                CampaignId = old.CampaignId,
                Code = Pattern.Next(),
                PartnerId = old.PartnerId,
                MaxUses = remaining,
                Source = CodeSources.Rotation,
                CustomerKey = old.CustomerKey,
                CustomerEmailKey = old.CustomerEmailKey,
                ExpiresAt = old.ExpiresAt,
                CreatedAt = now,
            };
            // A draw that collides with an existing code is drawn again; a unique violation would abort the redemption.
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO coupon_codes (id, campaign_id, code, partner_id, max_uses, source, customer_key, customer_email_key, expires_at, created_at)
                VALUES ({fresh.Id}, {fresh.CampaignId}, {fresh.Code}, {fresh.PartnerId}, {fresh.MaxUses}, {fresh.Source}, {fresh.CustomerKey},
                        {fresh.CustomerEmailKey}, {fresh.ExpiresAt}, {now})
                ON CONFLICT (code) DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                await db.Database.ExecuteSqlAsync($"UPDATE coupon_codes SET replaced_by_id = {fresh.Id} WHERE id = {old.Id}", cancellationToken);
                db.AddIntegrationEvent(CampaignService.Issued(fresh, campaign, now));
                return true;
            }
        }

        throw new InvalidOperationException("Could not draw a free replacement code in 10 attempts.");
    }

    /// <summary>
    /// The replacement's limit: what is left of the old code's <see cref="CouponCode.MaxUses"/> (its uses, live holds included,
    /// taken away; never below 0), so rotating a code limited to N never makes more than N uses in all. Null: unlimited.
    /// Call it with the old code's row locked: a use committed before is counted, none can follow.
    /// </summary>
    public static async Task<int?> RemainingUsesAsync(UsageLedger ledger, CouponCode old, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (old.MaxUses is not { } max)
        {
            return null;
        }

        var key = $"code:{old.Id:N}";
        return Math.Max(0, max - (await ledger.ReadLiveAsync([key], now, cancellationToken)).GetValueOrDefault(key));
    }
}
