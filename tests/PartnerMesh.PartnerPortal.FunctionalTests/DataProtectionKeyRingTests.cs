using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.KeyRing;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The key ring in portaldb is encrypted under <c>PartnerPortal:DataProtectionKey</c>: whoever can read the database
/// but not the secret can neither read the portal's session cookies nor mint one the portal accepts.
/// </summary>
public sealed class DataProtectionKeyRingTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyRingRows_AfterASignIn_HoldNoPlaintextKey()
    {
        await factory.SignInNewPartnerAsync();

        var rows = await KeyRingRowsAsync(factory);

        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.DoesNotContain("masterKey", row, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", row, StringComparison.Ordinal);
            Assert.Contains(typeof(KeyRingXmlDecryptor).FullName!, row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SessionCookie_WithTheDatabaseRowsButNotTheSecret_CanNeitherBeReadNorMinted()
    {
        var (partner, cookie) = await SignInAsync();
        var rows = await KeyRingRowsAsync(factory);
        var sessionId = await SessionIdAsync(factory, partner.AccountId);

        foreach (var secret in new[] { null, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) })
        {
            var attacker = Provider(rows, secret);
            Assert.Null(CookieFormat(attacker).Unprotect(cookie));
            Assert.ThrowsAny<CryptographicException>(() => CookieFormat(attacker).Protect(Ticket(partner, sessionId)));

            // With a key of its own (it cannot write it to portaldb) the minted cookie is refused.
            var minted = CookieFormat(Provider(rows, secret, canCreateKeys: true)).Protect(Ticket(partner, sessionId));
            Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(minted)).StatusCode);
        }
    }

    [Fact]
    public async Task SessionCookie_WithTheDatabaseRowsAndTheSecret_CanBeReadAndMinted()
    {
        var (partner, cookie) = await SignInAsync();
        var withSecret = Provider(await KeyRingRowsAsync(factory), factory.DataProtectionKey);

        var ticket = CookieFormat(withSecret).Unprotect(cookie);
        var minted = CookieFormat(withSecret).Protect(Ticket(partner, await SessionIdAsync(factory, partner.AccountId)));

        Assert.NotNull(ticket);
        Assert.Equal(partner.AccountId, ticket.Principal.AccountId());
        var me = await MeAsync(minted);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(partner.PartnerId, (await me.Content.ReadFromJsonAsync<MeResponse>(Ct))!.PartnerId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dG9vIHNob3J0")]
    [InlineData("not base64 at all!")]
    public void Start_WithoutAUsableSecret_FailsWithAClearMessage(string secret)
    {
        using var broken = factory.WithWebHostBuilder(builder => builder.UseSetting("PartnerPortal:DataProtectionKey", secret));

        var exception = Assert.ThrowsAny<Exception>(() => broken.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(exception.GetBaseException());
        Assert.Contains("PartnerPortal:DataProtectionKey", validation.Message, StringComparison.Ordinal);
    }

    private Task<(SignedInPartner Partner, string Cookie)> SignInAsync() => SignInAsync(factory);

    internal static async Task<(SignedInPartner Partner, string Cookie)> SignInAsync(PortalApiFactory factory)
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        var browser = new PortalBrowser(factory);
        var response = await browser.SignInAsync(email, AdminApi.StrongPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (new SignedInPartner(partnerId, account.Id, email, browser), SessionCookie(response));
    }

    private async Task<HttpResponseMessage> MeAsync(string cookie) => await MeAsync(factory.CreateAnonymousClient(), cookie);

    /// <summary>The signed-in partner as the BFF sees the session cookie <paramref name="cookie"/>.</summary>
    internal static async Task<HttpResponseMessage> MeAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/portal/api/me");
        request.Headers.Add("Cookie", $"{PortalSession.CookieName}={cookie}");
        return await client.SendAsync(request, Ct);
    }

    internal static string SessionCookie(HttpResponseMessage response)
    {
        var setCookie = Assert.Single(
            response.Headers.GetValues("Set-Cookie"), value => value.StartsWith(PortalSession.CookieName + "=", StringComparison.Ordinal));
        return setCookie[(PortalSession.CookieName.Length + 1)..].Split(';')[0];
    }

    internal static async Task<List<string>> KeyRingRowsAsync(PortalApiFactory factory) =>
        await factory.QueryDbAsync(db => db.DataProtectionKeys.AsNoTracking().OrderBy(key => key.Id).Select(key => key.Xml!).ToListAsync());

    internal static IEnumerable<string?> KeyIdsOf(IEnumerable<string> rows) =>
        rows.SelectMany(row => XElement.Parse(row).Descendants("encryptedKey").Select(KeyRingCipher.KeyIdOf)).Distinct();

    /// <summary>The cookie ticket as a fresh data-protection system would build it from copied rows (and the secret, if given).</summary>
    internal static IDataProtectionProvider Provider(IEnumerable<string> rows, string? secret, bool canCreateKeys = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (secret is not null)
        {
            services.AddSingleton(new KeyRingCipher(Options.Create(new KeyRingOptions { DataProtectionKey = secret })));
        }

        var builder = services.AddDataProtection()
            .SetApplicationName(ResourceNames.PartnerPortalApi)
            .AddKeyManagementOptions(options => options.XmlRepository = new CopiedKeyRing(rows));
        if (!canCreateKeys)
        {
            builder.DisableAutomaticKeyGeneration();
        }

        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    /// <summary>What the portal's cookie handler uses to protect its session tickets.</summary>
    internal static TicketDataFormat CookieFormat(IDataProtectionProvider provider) =>
        new(provider.CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", PortalSession.Scheme, "v2"));

    /// <summary>The server-side session the account's sign-in started: a minted cookie must name a live one.</summary>
    internal static Task<Guid> SessionIdAsync(PortalApiFactory factory, Guid accountId) =>
        factory.QueryDbAsync(db => db.Sessions.Where(session => session.AccountId == accountId).Select(session => session.Id).SingleAsync());

    internal static AuthenticationTicket Ticket(SignedInPartner partner, Guid sessionId) =>
        new(
            PortalSession.CreatePrincipal(
                new PortalAccount
                {
                    Id = partner.AccountId,
                    PartnerId = partner.PartnerId,
                    Email = partner.Email,
                    NormalizedEmail = partner.Email,
                    PasswordHash = "",
                },
                sessionId),
            new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) },
            PortalSession.Scheme);

    private sealed class CopiedKeyRing(IEnumerable<string> rows) : IXmlRepository
    {
        private readonly List<XElement> _elements = [.. rows.Select(XElement.Parse)];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements.Select(element => new XElement(element))];

        public void StoreElement(XElement element, string friendlyName) => _elements.Add(new XElement(element));
    }
}
