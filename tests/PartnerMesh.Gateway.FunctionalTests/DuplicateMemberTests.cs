using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>A JSON member given twice in the gateway's own key API is refused naming it, as in every service.</summary>
public class DuplicateMemberTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_WithADuplicateMember_Returns400NamingItAndCreatesNothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"dup-{Guid.NewGuid():N}";
        var json = $$"""{"name":"{{name}}","scope":"admin","rateLimitPerMinute":10,"rateLimitPerMinute":100000}""";

        var response = await admin.PostAsync("/api/gateway/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"rateLimitPerMinute\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.ApiKeys.AnyAsync(key => key.Name == name, Ct)));
    }
}
