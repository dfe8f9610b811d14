using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

public class AccountEndpointsTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private const string Url = "/api/portal/accounts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task Create_AsAdmin_Returns201AndStoresOnlyAPasswordHash()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();

        var response = await Admin.PostAsJsonAsync(Url, new { partnerId, email = $"  {email} ", password = AdminApi.StrongPassword }, Ct);

        var account = await response.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        Assert.Equal(partnerId, account.PartnerId);
        Assert.Equal(email, account.Email);
        Assert.Equal($"/api/portal/accounts/{account.Id}", response.Headers.Location?.OriginalString);
        Assert.Null(account.LastSignInAt);
        var stored = await factory.QueryDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id));
        Assert.DoesNotContain(AdminApi.StrongPassword, stored.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(
            PasswordVerificationResult.Success,
            factory.Services.GetRequiredService<IPasswordHasher<PortalAccount>>().VerifyHashedPassword(stored, stored.PasswordHash, AdminApi.StrongPassword));
    }

    [Fact]
    public async Task Create_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().PostAsJsonAsync(
            Url, new { partnerId = Guid.NewGuid(), email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_WithStorefrontScope_Returns403()
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).PostAsJsonAsync(
            Url, new { partnerId = Guid.NewGuid(), email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Create_WithAPartnerToken_Returns403()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        var response = await factory.CreatePartnerClient(partnerId).PostAsJsonAsync(
            Url, new { partnerId, email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Create_ForUnknownPartner_Returns404Problem()
    {
        var response = await Admin.PostAsJsonAsync(
            Url, new { partnerId = Guid.NewGuid(), email = AdminApi.NewEmail(), password = AdminApi.StrongPassword }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_WithEmailOfAnActiveAccount_Returns409Problem()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);

        var response = await Admin.PostAsJsonAsync(
            Url, new { partnerId, email = email.ToUpperInvariant(), password = "another password 123" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    /// <summary>The shared e-mail rule (CustomerEmail): invisible characters, full-width letters and soft hyphens fold away.</summary>
    [Theory]
    [InlineData("zero-width space before @")]
    [InlineData("full-width letters")]
    [InlineData("soft hyphen")]
    [InlineData("byte order mark and word joiner")]
    public async Task Create_WithALookAlikeOfAnActiveAccountsEmail_Returns409Problem(string lookAlike)
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var otherPartnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        await factory.CreateAccountAsync(partnerId, email);

        var response = await Admin.PostAsJsonAsync(
            Url, new { partnerId = otherPartnerId, email = LookAlike(email, lookAlike), password = AdminApi.StrongPassword }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Email already in use", problem.Title);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Accounts.CountAsync(a => a.PartnerId == otherPartnerId)));
    }

    [Fact]
    public async Task Create_WithALookAlikeEmail_StoresItAsEnteredAndKeysItFolded()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();

        var account = await factory.CreateAccountAsync(partnerId, LookAlike(email, "full-width letters"));

        Assert.Equal(LookAlike(email, "full-width letters"), account.Email);
        Assert.Equal(email, await factory.QueryDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.NormalizedEmail).SingleAsync(Ct)));
        var response = await Admin.PostAsJsonAsync(Url, new { partnerId, email, password = AdminApi.StrongPassword }, Ct);
        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    internal static string LookAlike(string email, string kind) => kind switch
    {
        "zero-width space before @" => email.Replace("@", "\u200b@", StringComparison.Ordinal),
        "full-width letters" => "\uff55\uff53\uff45\uff52" + email["user".Length..],
        "soft hyphen" => email.Insert(2, "\u00ad"),
        "byte order mark and word joiner" => "\ufeff" + email.Insert(4, "\u2060"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    [Fact]
    public async Task Create_SameEmailConcurrently_CreatesExactlyOne()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Admin.PostAsJsonAsync(Url, new { partnerId, email, password = AdminApi.StrongPassword }, Ct)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Accounts.CountAsync(a => a.PartnerId == partnerId)));
    }

    [Fact]
    public async Task Create_WithEmailOfADeletedAccount_Returns201()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var first = await factory.CreateAccountAsync(partnerId, email);
        (await Admin.DeleteAsync($"{Url}/{first.Id}", Ct)).EnsureSuccessStatusCode();

        var second = await factory.CreateAccountAsync(partnerId, email);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [InlineData("""{"email":"a@partner.example","password":"long enough password"}""", "partnerId")]
    [InlineData("""{"partnerId":"00000000-0000-0000-0000-000000000000","email":"a@partner.example","password":"long enough password"}""", "partnerId")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","password":"long enough password"}""", "email")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","email":"not-an-email","password":"long enough password"}""", "email")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","email":"two words@partner.example","password":"long enough password"}""", "email")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","email":"\"a\\\u0000\"@partner.example","password":"long enough password"}""", "email")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","email":"a@partner.example"}""", "password")]
    [InlineData("""{"partnerId":"8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11","email":"a@partner.example","password":"elevenchars"}""", "password")]
    [InlineData("""{}""", "partnerId")]
    public async Task Create_WithInvalidFields_Returns400NamingTheField(string json, string field)
    {
        var response = await Admin.PostAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithTooLongPassword_Returns400()
    {
        var partnerId = await factory.RegisterPartnerAsync();

        var response = await Admin.PostAsJsonAsync(Url, new { partnerId, email = AdminApi.NewEmail(), password = new string('x', 257) }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"partnerId": "8d4c1d8e""")]
    [InlineData("""{"partnerId": 123, "email": "a@partner.example", "password": "long enough password"}""")]
    [InlineData("""{"partnerId": "8d4c1d8e-3c4f-4f57-9a57-0b8e3f1f4a11", "email": true, "password": "long enough password"}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("")]
    public async Task Create_WithMalformedJsonOrWrongTypes_Returns400Problem(string json)
    {
        var response = await Admin.PostAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_WithOversizedBody_Returns413Problem()
    {
        var json = $$"""{"partnerId":"{{Guid.NewGuid()}}","email":"a@partner.example","password":"{{new string('x', 70_000)}}"}""";

        var response = await Admin.PostAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task List_ByPartner_ReturnsOnlyThatPartnersAccounts()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var otherPartnerId = await factory.RegisterPartnerAsync();
        var first = await factory.CreateAccountAsync(partnerId, AdminApi.NewEmail());
        var second = await factory.CreateAccountAsync(partnerId, AdminApi.NewEmail());
        await factory.CreateAccountAsync(otherPartnerId, AdminApi.NewEmail());

        var page = await (await Admin.GetAsync($"{Url}?partnerId={partnerId}", Ct)).ShouldBeAsync<PageResponse<AccountResponse>>(HttpStatusCode.OK);

        Assert.Equal([first.Id, second.Id], page.Items.Select(account => account.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughEveryAccountOnce_WithAnOpaqueCursor()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await factory.CreateAccountAsync(partnerId, AdminApi.NewEmail())).Id);
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await (await Admin.GetAsync($"{Url}?partnerId={partnerId}&limit=2{(cursor is null ? "" : $"&after={cursor}")}", Ct))
                .ShouldBeAsync<PageResponse<AccountResponse>>(HttpStatusCode.OK);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(account => account.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(created, seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("after=not-a-cursor")]
    public async Task List_WithBadLimitOrCursor_Returns400Problem(string query)
    {
        var problem = await (await Admin.GetAsync($"{Url}?{query}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(query.Split('=')[0], problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WithoutLimit_ReturnsTheFirst50_AndACursorToTheRest()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        await factory.QueryDbAsync(db =>
        {
            db.Accounts.AddRange(Enumerable.Range(0, Paging.DefaultLimit + 1).Select(_ => AdminApi.NewEmail()).Select(email => new PortalAccount
            {
                Id = Guid.CreateVersion7(), PartnerId = partnerId, Email = email, NormalizedEmail = email.ToLowerInvariant(), PasswordHash = "",
                CreatedAt = DateTimeOffset.UtcNow,
            }));
            return db.SaveChangesAsync(Ct);
        });

        var first = await (await Admin.GetAsync($"{Url}?partnerId={partnerId}", Ct)).ShouldBeAsync<PageResponse<AccountResponse>>(HttpStatusCode.OK);
        var rest = await (await Admin.GetAsync($"{Url}?partnerId={partnerId}&after={first.NextCursor}", Ct))
            .ShouldBeAsync<PageResponse<AccountResponse>>(HttpStatusCode.OK);

        Assert.Equal(Paging.DefaultLimit, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Single(rest.Items);
        Assert.Null(rest.NextCursor);
    }

    [Fact]
    public async Task List_WithMalformedPartnerId_Returns400Problem()
    {
        var response = await Admin.GetAsync($"{Url}?partnerId=not-a-guid", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().GetAsync(Url, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Delete_ExistingAccount_Returns204AndDisablesIt()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var account = await factory.CreateAccountAsync(partnerId, AdminApi.NewEmail());

        var response = await Admin.DeleteAsync($"{Url}/{account.Id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await (await Admin.GetAsync($"{Url}/{account.Id}", Ct)).ShouldBeAsync<AccountResponse>(HttpStatusCode.OK);
        Assert.NotNull(stored.DisabledAt);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"{Url}/{account.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_UnknownAccount_Returns404Problem()
    {
        var response = await Admin.DeleteAsync($"{Url}/{Guid.NewGuid()}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_AsPartner_Returns403()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var account = await factory.CreateAccountAsync(partnerId, AdminApi.NewEmail());

        var response = await factory.CreatePartnerClient(partnerId).DeleteAsync($"{Url}/{account.Id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_IsServedAnonymously()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/portal/accounts", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
