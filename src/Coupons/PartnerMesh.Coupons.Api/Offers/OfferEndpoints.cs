using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Offers;

public static class OfferEndpoints
{
    public static RouteGroupBuilder MapOfferEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons/customers").WithTags("Offers").RequireAuthorization(PartnerMeshPolicies.Storefront);

        group.MapGet("/{customer}/offers", GetCustomerOffers).WithName(nameof(GetCustomerOffers));

        return group;
    }

    /// <summary><c>customer</c> is the customer id, or the guest's e-mail (text on both sides of an '@'), as in checkout calls.</summary>
    private static async Task<Results<Ok<OffersResponse>, ValidationProblem>> GetCustomerOffers(
        string customer, OfferService offers, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // An e-mail is recognised and keyed as checkout calls key it (a full-width '＠' is an '@' after NFKC).
        var key = CustomerEmail.Normalize(customer) is not null ? CustomerKeys.Of(null, customer)
            : CustomerIds.IsValid(customer) ? CustomerKeys.Of(customer, null)
            : null;
        if (key is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customer"] = [CustomerIds.Rule + " Or a guest's e-mail address."] });
        }

        return TypedResults.Ok(new OffersResponse(key, await offers.FindOffersAsync(key, Clock.Now(timeProvider), cancellationToken)));
    }
}
