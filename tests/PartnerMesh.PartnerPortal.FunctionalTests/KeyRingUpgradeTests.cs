using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults;
using Xunit;
using static PartnerMesh.PartnerPortal.FunctionalTests.DataProtectionKeyRingTests;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>A new secret, with the old one as previous, keeps every session; the rows move to the new secret.</summary>
public sealed class KeyRingRotationTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Rotation_WithTheOldSecretAsPrevious_KeepsSessionsAndReEncryptsTheRowsUnderTheNewSecret()
    {
        var (partner, cookie) = await SignInAsync(factory);
        var oldKeyId = Assert.Single(KeyIdsOf(await KeyRingRowsAsync(factory)));
        var newSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));

        await using (var rotated = factory.WithWebHostBuilder(builder => builder
            .UseSetting("PartnerPortal:DataProtectionKey", newSecret)
            .UseSetting("PartnerPortal:PreviousDataProtectionKeys:0", factory.DataProtectionKey)))
        {
            Assert.Equal(HttpStatusCode.OK, (await MeAsync(rotated.CreateClient(), cookie)).StatusCode);
        }

        var rows = await KeyRingRowsAsync(factory);
        var newKeyId = Assert.Single(KeyIdsOf(rows));
        Assert.NotEqual(oldKeyId, newKeyId);
        Assert.Null(CookieFormat(Provider(rows, factory.DataProtectionKey)).Unprotect(cookie));
        Assert.Equal(partner.AccountId, CookieFormat(Provider(rows, newSecret)).Unprotect(cookie)?.Principal.AccountId());

        // Once every row is under the new secret, the old one is no longer needed.
        await using var withoutPrevious = factory.WithWebHostBuilder(builder => builder.UseSetting("PartnerPortal:DataProtectionKey", newSecret));
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(withoutPrevious.CreateClient(), cookie)).StatusCode);
    }
}

/// <summary>A secret that is neither current nor previous: the portal still starts, and the sessions it cannot read end.</summary>
public sealed class KeyRingLostSecretTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Start_WithASecretThatCannotReadTheKeyRing_StartsWithANewKeyAndEndsTheOldSessions()
    {
        var (partner, cookie) = await SignInAsync(factory);
        var otherSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        await using var other = factory.WithWebHostBuilder(builder => builder.UseSetting("PartnerPortal:DataProtectionKey", otherSecret));
        var browser = new PortalBrowser(other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var signedIn = await browser.SignInAsync(partner.Email, AdminApi.StrongPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var newCookie = SessionCookie(signedIn);

        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(other.CreateClient(), cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(other.CreateClient(), newCookie)).StatusCode);
        Assert.Equal(2, KeyIdsOf(await KeyRingRowsAsync(factory)).Count());
        Assert.Equal(partner.AccountId, CookieFormat(Provider(await KeyRingRowsAsync(factory), otherSecret)).Unprotect(newCookie)?.Principal.AccountId());
    }
}

/// <summary>
/// Keys written unencrypted before encryption at rest keep working: sessions issued with them stay valid, and the portal
/// encrypts them in place when it reads the key ring (at start).
/// </summary>
public sealed class KeyRingLegacyKeyTests(LegacyKeyRingPortalApiFactory factory) : IClassFixture<LegacyKeyRingPortalApiFactory>
{
    [Fact]
    public async Task UnencryptedKeyFromBeforeTheUpgrade_KeepsItsSessionsAndIsEncryptedInPlace()
    {
        Assert.Contains("masterKey", factory.LegacyRow, StringComparison.Ordinal);
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var account = await factory.CreateAccountAsync(partnerId, email);
        // A session signed in before the upgrade: its row exists, its cookie was protected with the unencrypted key.
        var sessionId = Guid.NewGuid();
        await factory.QueryDbAsync(db =>
        {
            db.Sessions.Add(new SignedInSession
            {
                Id = sessionId, AccountId = account.Id, CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
            });
            return db.SaveChangesAsync();
        });
        var legacyCookie = CookieFormat(factory.LegacyPortal).Protect(Ticket(new SignedInPartner(partnerId, account.Id, email, null!), sessionId));

        var me = await MeAsync(factory.CreateAnonymousClient(), legacyCookie);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var row = Assert.Single(await KeyRingRowsAsync(factory));
        Assert.DoesNotContain("masterKey", row, StringComparison.Ordinal);
        Assert.Contains("encryptedSecret", row, StringComparison.Ordinal);
        Assert.Null(CookieFormat(Provider([row], secret: null)).Unprotect(legacyCookie));
        Assert.NotNull(CookieFormat(Provider([row], factory.DataProtectionKey)).Unprotect(legacyCookie));
    }
}

/// <summary>The portal over a portaldb whose key ring a portal before encryption at rest wrote (one unencrypted key).</summary>
public sealed class LegacyKeyRingPortalApiFactory : PortalApiFactory
{
    private ServiceProvider? _legacyServices;

    /// <summary>Data protection as the portal had it: keys in portaldb, unencrypted.</summary>
    public IDataProtectionProvider LegacyPortal => _legacyServices?.GetRequiredService<IDataProtectionProvider>()
        ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The key ring row as the old portal wrote it, before this portal started.</summary>
    public string LegacyRow { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<PortalDbContext>(options => options.UsePartnerMeshNpgsql(DatabaseConnectionString));
        services.AddDataProtection().SetApplicationName(ResourceNames.PartnerPortalApi).PersistKeysToDbContext<PortalDbContext>();
        _legacyServices = services.BuildServiceProvider();
        LegacyPortal.CreateProtector("warm-up").Protect("creates the first key"u8.ToArray());
        await using var scope = _legacyServices.CreateAsyncScope();
        LegacyRow = (await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.SingleAsync()).Xml!;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_legacyServices is not null)
        {
            await _legacyServices.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
