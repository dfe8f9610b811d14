using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// The gateway's half of the authorization matrix: every operation of docs/api/gateway-public.json × every kind of API-key
/// caller, through the real gateway to echoing upstreams. The gateway admits a valid key to every API-key route (the
/// service then checks the scope: the services' matrices), its own API (key management) to admin keys only, and the
/// anonymous routes to anyone; everything else is a 401 (or 429) — never a 5xx.
/// </summary>
public sealed class AuthorizationMatrixTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Caller
    {
        NoKey,
        Storefront,
        Admin,

        /// <summary>Well-formed, but no such key.</summary>
        UnknownKey,
        MalformedKey,
        RevokedKey,
        ExpiredKey,

        /// <summary>A valid admin service token in <c>Authorization</c> instead of a key: the gateway takes keys only.</summary>
        BearerToken,
    }

    [Fact]
    public async Task EveryPublicOperation_AnswersEveryKeyAsItsRouteDeclares()
    {
        var operations = OpenApiOperations.Committed("gateway-public");
        var clients = await ClientsAsync();
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var (caller, client) in clients)
            {
                using var request = AuthorizationMatrix.BuildRequest(operation, Guid.NewGuid());
                using var response = await client.SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                var expected = Expected(operation, caller);
                if (!expected.Admits(status))
                {
                    failures.Add($"{operation} [{operation.Policy}] with {caller}: {status}, expected {expected.Text}");
                }
            }
        }

        var size = $"authorization matrix gateway-public: {operations.Count} operations × {clients.Count} callers = " +
            $"{operations.Count * clients.Count} cells, {failures.Count} failures";
        TestContext.Current.SendDiagnosticMessage(size);
        Console.WriteLine(size);
        Assert.True(failures.Count == 0, size + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }

    private static AuthorizationMatrix.Expectation Expected(OpenApiOperation operation, Caller caller)
    {
        if (operation.Policy == "anonymous")
        {
            return AuthorizationMatrix.Expectation.Admitted;
        }

        var gatewayOwn = operation.OperationId?.StartsWith("gateway.", StringComparison.Ordinal) == true;
        return caller switch
        {
            Caller.Admin => AuthorizationMatrix.Expectation.Admitted,
            Caller.Storefront when gatewayOwn => AuthorizationMatrix.Expectation.Status(HttpStatusCode.Forbidden),
            Caller.Storefront => AuthorizationMatrix.Expectation.Admitted,
            // 429: a budget of failed authentications per address may refuse a flood of bad keys before checking them.
            _ => AuthorizationMatrix.Expectation.Status(HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests),
        };
    }

    private async Task<Dictionary<Caller, HttpClient>> ClientsAsync()
    {
        // Limits high enough for one request per operation: the matrix tests authorization, not rate limiting.
        const int Plenty = 100_000;
        var revoked = await factory.CreateKeyAsync(PartnerMeshScopes.Admin, Plenty);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(revoked.Key.Id, Ct));
        }

        CreatedApiKey expired;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            expired = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
                .CreateAsync("expired", PartnerMeshScopes.Admin, Plenty, Ct, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        }

        var bearer = factory.CreateAnonymousClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.Tokens.For(PartnerMeshScopes.Admin));
        return new Dictionary<Caller, HttpClient>
        {
            [Caller.NoKey] = factory.CreateAnonymousClient(),
            [Caller.Storefront] = factory.CreateApiKeyClient((await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, Plenty)).PlainTextKey),
            [Caller.Admin] = factory.CreateApiKeyClient((await factory.CreateKeyAsync(PartnerMeshScopes.Admin, Plenty)).PlainTextKey),
            [Caller.UnknownKey] = factory.CreateApiKeyClient(ApiKeyFormat.Compose(ApiKeyFormat.NewKeyId(), ApiKeyFormat.NewSecret())),
            [Caller.MalformedKey] = factory.CreateApiKeyClient("pm_not-a-key"),
            [Caller.RevokedKey] = factory.CreateApiKeyClient(revoked.PlainTextKey),
            [Caller.ExpiredKey] = factory.CreateApiKeyClient(expired.PlainTextKey),
            [Caller.BearerToken] = bearer,
        };
    }
}
