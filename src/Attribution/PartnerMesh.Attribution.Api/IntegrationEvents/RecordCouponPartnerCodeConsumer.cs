using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.IntegrationEvents;

/// <summary>
/// Remembers the text of every coupons code issued to a partner (single codes and rotations' replacements; bulk-generated
/// codes are not announced one by one), so a referral link cannot take it (<see cref="CouponPartnerCode"/>). A code of
/// nobody's (a personal offer) is not remembered; the first owner of a text stays. Once per event: inbox.
/// </summary>
public sealed class RecordCouponPartnerCodeConsumer(AttributionDbContext db) : IConsumer<CouponIssued>
{
    public async Task Consume(ConsumeContext<CouponIssued> context)
    {
        var issued = context.Message;
        if (issued.PartnerId is not { } partnerId || LinkCode.Fold(issued.Code) is not { } code)
        {
            return;
        }

        await db.ExecuteOnceAsync(context, nameof(RecordCouponPartnerCodeConsumer), cancellationToken =>
            db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO {{CouponPartnerCodeConfiguration.TableName}} (code, partner_id, code_id, issued_at) VALUES ({0}, {1}, {2}, {3})
                ON CONFLICT (code) DO NOTHING
                """,
                [code, partnerId, issued.CodeId, issued.OccurredAt.ToUniversalTime()],
                cancellationToken));
    }
}
