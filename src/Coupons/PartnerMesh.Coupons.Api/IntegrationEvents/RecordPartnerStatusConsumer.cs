using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Coupons.Api.IntegrationEvents;

/// <summary>
/// A partner that is not active has its codes refused <c>partner_inactive</c>; the cached code definitions (which carry
/// the status) are cleared here and on every instance.
/// </summary>
public sealed class RecordPartnerStatusConsumer(CouponsDbContext db, CodeChangeNotifier codeChanges)
    : PartnerStatusConsumer<CouponsDbContext>(db)
{
    protected override Task OnRecordedAsync(PartnerStatusChanged changed) => codeChanges.ChangedAsync($"partner:{changed.PartnerId:N}");
}
