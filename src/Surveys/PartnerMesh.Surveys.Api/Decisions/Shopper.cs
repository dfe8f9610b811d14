using System.Security.Cryptography;
using System.Text;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>
/// One shopper as a request presents them: always a visitor id, and a customer id or email when known. The frequency
/// records are kept under every identity, so a showing recorded under one is seen under the others later (a guest's
/// visitor id on one device, the same customer on another).
/// </summary>
public sealed record Shopper(string VisitorId, string? CustomerId = null, string? Email = null)
{
    /// <summary>
    /// The identities as key parts: the visitor id as is (the key records had before customer and email keys existed),
    /// then <c>customer:{id}</c> and <c>email:{hash}</c> in their own key spaces. The email is folded by the shared
    /// rule (<see cref="CustomerEmail.Fold(string)"/>: invisible characters removed, NFKC, trimmed, lower-case), as the
    /// shared contact record keys it, and hashed: the record holds no readable address. An email that folds to nothing
    /// (<see cref="CustomerEmail.IsBlank"/>) is no identity.
    /// </summary>
    public IReadOnlyList<(string Space, string Id)> Identities()
    {
        var identities = new List<(string, string)>(3) { ("", VisitorId) };
        if (!string.IsNullOrWhiteSpace(CustomerId))
        {
            identities.Add(("customer:", CustomerId.Trim()));
        }

        if (!CustomerEmail.IsBlank(Email))
        {
            identities.Add(("email:", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CustomerEmail.Fold(Email))))));
        }

        return identities;
    }
}
