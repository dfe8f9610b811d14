using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>
/// Whether a partner id a storefront names is a registered partner (the <c>partners</c> replica): known at the rule set's
/// last load, or checked once against PostgreSQL for one registered since, then remembered. The product page and
/// evaluations both refuse an unknown one, so a per-partner cap never counts a made-up partner.
/// </summary>
public sealed class PartnerRegistry(RuleSetProvider ruleSets, IServiceScopeFactory scopes)
{
    public async Task<bool> IsKnownAsync(Guid partnerId, CancellationToken cancellationToken)
    {
        if (ruleSets.IsKnownPartner(partnerId))
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
        if (!await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return false;
        }

        ruleSets.RememberPartner(partnerId);
        return true;
    }
}
