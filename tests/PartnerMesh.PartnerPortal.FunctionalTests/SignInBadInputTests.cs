using System.Net;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Odd characters in the sign-in email are a failed sign-in or a 400, never a server error.</summary>
public sealed class SignInBadInputTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("a\0@partner.example")]
    [InlineData("\"a\\\0\"@partner.example")]
    public async Task SignIn_WithANulCharacterInTheEmail_Returns400Problem(string email)
    {
        var response = await new PortalBrowser(factory).SignInAsync(email, AdminApi.StrongPassword);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SignIn_WithAControlCharacterInTheEmail_FailsLikeAnyWrongSignIn()
    {
        var response = await new PortalBrowser(factory).SignInAsync("a\u0001@partner.example", AdminApi.StrongPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(PortalPages.SignInFailedMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
