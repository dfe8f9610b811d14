using Aspire.Hosting;
using PartnerMesh.AppHost;
using System.Security.Cryptography;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// What the AppHost hands each process of the running system: a signing secret only to the three issuers, each its own;
/// to every service only public keys, and promotions' key to coupons and attribution alone.
/// </summary>
public sealed class ServiceTokenKeyringTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnlyIssuersHoldSigningKeys_EachItsOwn_AndVerifiersGetPublicKeysOnly()
    {
        var environments = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in new[] { "gateway", "partner-portal-api", "promotions-api", "coupons-api", "attribution-api", "surveys-api", "analytics-api" })
        {
            await system.App.ResourceNotifications.WaitForResourceHealthyAsync(name, Ct);
            var resource = await system.App.ResourceNotifications.WaitForResourceAsync(name, _ => true, Ct);
            environments[name] = resource.Snapshot.EnvironmentVariables
                .Where(variable => variable.Value is not null)
                .ToDictionary(variable => variable.Name, variable => variable.Value!, StringComparer.Ordinal);
        }

        var signing = environments
            .Where(environment => environment.Value.ContainsKey("ServiceTokens__SigningKey"))
            .ToDictionary(environment => environment.Key, environment => environment.Value["ServiceTokens__SigningKey"]);
        Assert.Equal(new[] { "gateway", "partner-portal-api", "promotions-api" }.Order(), signing.Keys.Order());
        Assert.Equal(3, signing.Values.Distinct().Count());

        foreach (var (service, environment) in environments)
        {
            var trusted = environment.Where(variable => variable.Key.StartsWith("ServiceIdentity__Issuers__", StringComparison.Ordinal)).ToList();
            Assert.Equal(service is "coupons-api" or "attribution-api" ? 3 : 2, trusted.Count);
            Assert.Equal(service is "coupons-api" or "attribution-api", environment.ContainsKey("ServiceIdentity__Issuers__promotions-api__0"));
            Assert.Equal(environments["gateway"]["ServiceIdentity__Issuers__gateway__0"], environment["ServiceIdentity__Issuers__gateway__0"]);
            Assert.All(trusted, variable =>
            {
                Assert.DoesNotContain(variable.Value, signing.Values);
                using var key = ECDsa.Create();
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(variable.Value), out _);
                Assert.Equal(256, key.KeySize);
            });
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UserSecretsFile_IsCreatedOwnerOnly_BeforeAnySecretIsWritten()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pm-secrets-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(directory, "secrets.json");
        try
        {
            UserSecretsPermissions.Restrict(file);

            Assert.Equal("{}", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
