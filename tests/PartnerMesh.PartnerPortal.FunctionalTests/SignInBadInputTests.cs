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

    /// <summary>A form that is not the sign-in page's (no email, no password, or neither) answered 500.</summary>
    [Theory]
    [InlineData("a=1")]
    [InlineData("%")]
    [InlineData("email=a%40partner.example")]
    [InlineData("password=x")]
    [InlineData("")]
    public async Task SignIn_WithoutTheEmailOrPasswordField_Returns400SignInPage(string form)
    {
        var browser = new PortalBrowser(factory);
        var token = PortalBrowser.FormToken(await browser.GetPageAsync("/portal/login"));
        var body = $"{(form.Length > 0 ? form + "&" : "")}{PortalBrowser.TokenField}={Uri.EscapeDataString(token)}";

        var response = await browser.Http.PostAsync(
            "/portal/login", new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(PortalPages.MissingCredentialsMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=1")]
    [InlineData("%")]
    public async Task SignIn_WithoutTheFieldsAndWithoutAToken_Returns400SignInPage(string form)
    {
        var response = await new PortalBrowser(factory).Http.PostAsync(
            "/portal/login", new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(PortalPages.FormExpiredMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithAControlCharacterInTheEmail_FailsLikeAnyWrongSignIn()
    {
        var response = await new PortalBrowser(factory).SignInAsync("a\u0001@partner.example", AdminApi.StrongPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(PortalPages.SignInFailedMessage, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
