using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Passwords are Unicode NFKC-normalised before hashing and checking, and their length counts code points (NIST SP
/// 800-63B), not UTF-16 units; hashes made before normalisation still sign in and are replaced by the normalised one.
/// </summary>
public class PasswordNormalizationTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private const string Url = "/api/portal/accounts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task Create_PasswordLength_CountsCodePointsOfTheNormalisedForm()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        var sixEmoji = await Admin.PostAsJsonAsync(Url, new { partnerId, email = AdminApi.NewEmail(), password = string.Concat(Enumerable.Repeat("😀", 6)) }, Ct);
        var sixDecomposed = await Admin.PostAsJsonAsync(Url, new { partnerId, email = AdminApi.NewEmail(), password = string.Concat(Enumerable.Repeat("e\u0301", 6)) }, Ct);
        var twelveEmoji = await Admin.PostAsJsonAsync(Url, new { partnerId, email = AdminApi.NewEmail(), password = string.Concat(Enumerable.Repeat("😀", 12)) }, Ct);
        var twoHundredFiftySixEmoji = await Admin.PostAsJsonAsync(Url, new { partnerId, email = AdminApi.NewEmail(), password = string.Concat(Enumerable.Repeat("😀", 256)) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, sixEmoji.StatusCode);
        Assert.Contains("at least 12", await sixEmoji.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, sixDecomposed.StatusCode);
        Assert.Contains("at least 12", await sixDecomposed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await twelveEmoji.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        await twoHundredFiftySixEmoji.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task SignIn_WithThePrecomposedFormOfADecomposedPassword_Succeeds()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email, string.Concat(Enumerable.Repeat("e\u0301", 12)));

        var precomposed = await new PortalBrowser(factory).SignInAsync(email, string.Concat(Enumerable.Repeat("\u00e9", 12)));
        var decomposed = await new PortalBrowser(factory).SignInAsync(email, string.Concat(Enumerable.Repeat("e\u0301", 12)));

        Assert.Equal((HttpStatusCode.Redirect, "/portal/"), (precomposed.StatusCode, precomposed.Headers.Location?.OriginalString));
        Assert.Equal((HttpStatusCode.Redirect, "/portal/"), (decomposed.StatusCode, decomposed.Headers.Location?.OriginalString));
    }

    [Fact]
    public async Task SignIn_WithAHashOfTheRawPasswordFromBeforeNormalisation_Succeeds_AndRehashesTheNormalisedForm()
    {
        const string FullWidth = "ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ";
        const string Normalised = "correct horse battery";
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var hasher = factory.Services.GetRequiredService<IPasswordHasher<PortalAccount>>();
        var accountId = Guid.CreateVersion7();
        await factory.QueryDbAsync(db =>
        {
            var account = new PortalAccount
            {
                Id = accountId, PartnerId = partnerId, Email = email, NormalizedEmail = email, PasswordHash = "", CreatedAt = DateTimeOffset.UtcNow,
            };
            account.PasswordHash = hasher.HashPassword(account, FullWidth);
            db.Accounts.Add(account);
            return db.SaveChangesAsync(Ct);
        });

        var legacy = await new PortalBrowser(factory).SignInAsync(email, FullWidth);

        Assert.Equal((HttpStatusCode.Redirect, "/portal/"), (legacy.StatusCode, legacy.Headers.Location?.OriginalString));
        var stored = await factory.QueryDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(account => account.Id == accountId, Ct));
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(stored, stored.PasswordHash, Normalised));
        await new PortalBrowser(factory).SignInSuccessfullyAsync(email, Normalised);
        await new PortalBrowser(factory).SignInSuccessfullyAsync(email, FullWidth);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new PortalBrowser(factory).SignInAsync(email, "correct horse battery!")).StatusCode);
    }
}
