using System.Net;
using System.Text;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>A JSON member given twice in the portal's JSON API is refused naming it, as in every service.</summary>
public class DuplicateMemberTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAccount_WithADuplicateMember_Returns400NamingIt()
    {
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var json = $$"""{"partnerId":"{{Guid.NewGuid()}}","email":"a@partner.example","email":"b@partner.example","password":"long enough password"}""";

        var response = await admin.PostAsync("/api/portal/accounts", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"email\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }
}
