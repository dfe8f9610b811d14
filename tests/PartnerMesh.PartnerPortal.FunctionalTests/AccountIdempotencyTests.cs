using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Opening portal accounts with an <c>Idempotency-Key</c>.</summary>
public class AccountIdempotencyTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private const string Url = "/api/portal/accounts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task Create_RetriedWithSameIdempotencyKey_Returns200WithTheSameAccount_AndCreatesNothing()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var body = new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword };
        var key = Guid.NewGuid().ToString();

        var created = await (await PostAsync(body, key)).ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        var replayed = await (await PostAsync(body, key)).ShouldBeAsync<AccountResponse>(HttpStatusCode.OK);

        Assert.Equal((created.Id, created.PartnerId, created.Email), (replayed.Id, replayed.PartnerId, replayed.Email));
        Assert.Equal([created.Id], await AccountIdsAsync(partnerId));
    }

    [Fact]
    public async Task Create_CreatedAt_IsTheSameInThe201_TheReplayAndAGet()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        // Several accounts: a clock reading may happen to fall on a whole microsecond.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var body = new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword };
            var key = Guid.NewGuid().ToString();
            var created = await (await PostAsync(body, key)).ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
            var replayed = await (await PostAsync(body, key)).ShouldBeAsync<AccountResponse>(HttpStatusCode.OK);
            var read = await (await Admin.GetAsync($"{Url}/{created.Id}", Ct)).ShouldBeAsync<AccountResponse>(HttpStatusCode.OK);

            Assert.Equal(created.CreatedAt, replayed.CreatedAt);
            Assert.Equal(created.CreatedAt, read.CreatedAt);
        }
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyWithAnotherPasswordOrEmail_Returns409_AndCreatesNothing()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var key = Guid.NewGuid().ToString();
        var created = await (await PostAsync(new { partnerId, email, password = AdminApi.StrongPassword }, key))
            .ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);

        var otherPassword = await PostAsync(new { partnerId, email, password = "another long passphrase" }, key);
        var otherEmail = await PostAsync(new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, key);

        var problem = await otherPassword.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(created.Id.ToString(), problem.Detail, StringComparison.Ordinal);
        await otherEmail.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([created.Id], await AccountIdsAsync(partnerId));
    }

    [Fact]
    public async Task Create_RetriedWithSameIdempotencyKeyAfterTheAccountWasDeleted_Returns409_AndOpensNothing()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var body = new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword };
        var key = Guid.NewGuid().ToString();
        var created = await (await PostAsync(body, key)).ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"{Url}/{created.Id}", Ct)).StatusCode);

        var retried = await PostAsync(body, key);
        var withNewKey = await PostAsync(body, Guid.NewGuid().ToString());

        var problem = await retried.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Account deleted", problem.Title);
        Assert.Contains(created.Id.ToString(), problem.Detail, StringComparison.Ordinal);
        Assert.Contains("new key", problem.Detail, StringComparison.Ordinal);
        var reopened = await withNewKey.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        Assert.Equal([created.Id, reopened.Id], await AccountIdsAsync(partnerId));
    }

    [Fact]
    public async Task Create_ConcurrentRetriesWithSameIdempotencyKey_OpenOneAccount()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var body = new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword };
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(body, key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(await AccountIdsAsync(partnerId));
    }

    [Fact]
    public async Task Create_OverLongIdempotencyKey_Returns400_AndCreatesNothing()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        var response = await PostAsync(
            new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(IdempotencyKeys.Header, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await AccountIdsAsync(partnerId));
    }

    private async Task<HttpResponseMessage> PostAsync(object body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, idempotencyKey);
        return await Admin.SendAsync(request, Ct);
    }

    private async Task<List<Guid>> AccountIdsAsync(Guid partnerId) =>
        [.. (await (await Admin.GetAsync($"{Url}?partnerId={partnerId}", Ct)).ShouldBeAsync<PageResponse<AccountResponse>>(HttpStatusCode.OK)).Items.Select(account => account.Id)];
}
