using System.Net;
using System.Net.Http.Json;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

internal static class AdminApi
{
    public const string StrongPassword = "correct horse battery staple";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@partner.example";

    public static async Task<AccountResponse> CreateAccountAsync(this PortalApiFactory factory, Guid partnerId, string email, string password = StrongPassword)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).PostAsJsonAsync(
            "/api/portal/accounts", new { partnerId, email, password }, TestContext.Current.CancellationToken);
        return await response.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
    }

    /// <summary>A registered partner with one account, signed in by a fresh browser.</summary>
    public static async Task<SignedInPartner> SignInNewPartnerAsync(this PortalApiFactory factory, string partnerName = "Acme Deals")
    {
        var partnerId = await factory.RegisterPartnerAsync(partnerName);
        var email = NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        await browser.SignInSuccessfullyAsync(email, StrongPassword);
        return new SignedInPartner(partnerId, account.Id, email, browser);
    }
}

internal sealed record SignedInPartner(Guid PartnerId, Guid AccountId, string Email, PortalBrowser Browser);
