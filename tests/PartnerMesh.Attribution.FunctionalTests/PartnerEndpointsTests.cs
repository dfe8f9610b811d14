using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class PartnerEndpointsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreatePartner_Valid_Returns201WithLocationAndPublishesPartnerRegistered()
    {
        var email = AttributionClientExtensions.UniqueEmail();

        var response = await _admin.PostAsJsonAsync(
            "/api/attribution/partners", new { name = "  Acme Deals ", email, kind = "influencer", commissionRate = 0.15m }, Ct);

        var partner = await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
        Assert.Equal($"/api/attribution/partners/{partner.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("Acme Deals", email, "influencer", 0.15m), (partner.Name, partner.Email, partner.Kind, partner.CommissionRate));
        var published = Assert.Single(await factory.OutboxEventsAsync<PartnerRegistered>(evt => evt.PartnerId == partner.Id));
        Assert.Equal((email, "influencer", 0.15m), (published.Email, published.Kind, published.CommissionRate));

        var read = await _admin.GetFromJsonAsync<PartnerResponse>(response.Headers.Location, Ct);
        Assert.Equal(partner, read);
    }

    [Fact]
    public async Task UpdatePartnerStatus_PublishesPartnerStatusChanged_OncePerChange()
    {
        var partner = await _admin.CreatePartnerAsync(email: AttributionClientExtensions.UniqueEmail());

        (await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "suspended" }, Ct)).EnsureSuccessStatusCode();
        (await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "suspended" }, Ct)).EnsureSuccessStatusCode();
        (await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/status", new { status = "active" }, Ct)).EnsureSuccessStatusCode();

        var published = await factory.OutboxEventsAsync<PartnerStatusChanged>(evt => evt.PartnerId == partner.Id);
        Assert.Equal(["suspended", "active"], published.OrderBy(evt => evt.EventId).Select(evt => evt.Status));
    }

    [Fact]
    public async Task CreatePartner_NotActive_PublishesItsStatus()
    {
        var response = await _admin.PostAsJsonAsync("/api/attribution/partners",
            new { name = "Pending", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1m, status = "pending" }, Ct);
        var active = await _admin.CreatePartnerAsync(email: AttributionClientExtensions.UniqueEmail());

        var pending = await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
        Assert.Equal("pending", Assert.Single(await factory.OutboxEventsAsync<PartnerStatusChanged>(evt => evt.PartnerId == pending.Id)).Status);
        Assert.Empty(await factory.OutboxEventsAsync<PartnerStatusChanged>(evt => evt.PartnerId == active.Id));
    }

    [Fact]
    public async Task CreatePartner_DuplicateEmailInOtherCase_Returns409()
    {
        var email = AttributionClientExtensions.UniqueEmail();
        await _admin.CreatePartnerAsync(email: email);

        var response = await _admin.PostAsJsonAsync(
            "/api/attribution/partners", new { name = "Again", email = email.ToUpperInvariant(), kind = "affiliate", commissionRate = 0.1m }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Partners.CountAsync(partner => partner.NormalizedEmail == email, Ct)));
    }

    [Theory]
    [InlineData("""{"email":"a@example.com","kind":"affiliate","commissionRate":0.1}""", "name")]
    [InlineData("""{"name":" ","email":"a@example.com","kind":"affiliate","commissionRate":0.1}""", "name")]
    [InlineData("""{"name":"A\u0000B","email":"a@example.com","kind":"affiliate","commissionRate":0.1}""", "name")]
    [InlineData("""{"name":"A","email":"a\u0000@example.com","kind":"affiliate","commissionRate":0.1}""", "email")]
    [InlineData("""{"name":"A","email":"\"a\\\u0000\"@example.com","kind":"affiliate","commissionRate":0.1}""", "email")]
    [InlineData("""{"name":"A","email":"not-an-email","kind":"affiliate","commissionRate":0.1}""", "email")]
    [InlineData("""{"name":"A","email":"Someone <a@example.com>","kind":"affiliate","commissionRate":0.1}""", "email")]
    [InlineData("""{"name":"A","kind":"affiliate","commissionRate":0.1}""", "email")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"reseller","commissionRate":0.1}""", "kind")]
    [InlineData("""{"name":"A","email":"a@example.com","commissionRate":0.1}""", "kind")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"affiliate","commissionRate":0}""", "commissionRate")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"affiliate","commissionRate":-0.1}""", "commissionRate")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"affiliate","commissionRate":0.91}""", "commissionRate")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"affiliate","commissionRate":0.12345}""", "commissionRate")]
    [InlineData("""{"name":"A","email":"a@example.com","kind":"affiliate"}""", "commissionRate")]
    public async Task CreatePartner_InvalidField_Returns400NamingTheField(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await _admin.PostAsync("/api/attribution/partners", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Ct);
        Assert.Contains(field, problem!.Errors.Keys);
    }

    [Fact]
    public async Task CreatePartner_WithoutProgramOrCommissionRate_Returns400SayingTheRateIsRequiredWithoutAProgram()
    {
        var response = await _admin.PostAsJsonAsync(
            "/api/attribution/partners", new { name = "A", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Ct);
        var message = Assert.Single(problem!.Errors["commissionRate"]);
        Assert.Contains("required", message, StringComparison.Ordinal);
        Assert.Contains("programId", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePartner_NameTooLongOrEmailTooLong_Returns400()
    {
        var longName = new string('n', PartnerRules.MaxNameLength + 1);
        var longEmail = new string('e', 250) + "@example.com";

        var tooLongName = await _admin.PostAsJsonAsync(
            "/api/attribution/partners", new { name = longName, email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1m }, Ct);
        var tooLongEmail = await _admin.PostAsJsonAsync(
            "/api/attribution/partners", new { name = "A", email = longEmail, kind = "affiliate", commissionRate = 0.1m }, Ct);

        await tooLongName.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await tooLongEmail.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePartner_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().PostAsJsonAsync(
            "/api/attribution/partners", new { name = "A", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1m }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PartnerAdminEndpoints_WithStorefrontScope_Return403()
    {
        var storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

        var create = await storefront.PostAsJsonAsync(
            "/api/attribution/partners", new { name = "A", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", commissionRate = 0.1m }, Ct);
        var list = await storefront.GetAsync("/api/attribution/partners", Ct);

        await create.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await list.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetPartner_AsThatPartner_Returns200()
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await factory.CreatePartnerClient(partner.Id).GetAsync($"/api/attribution/partners/{partner.Id}", Ct);

        Assert.Equal(partner.Id, (await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.OK)).Id);
    }

    [Fact]
    public async Task GetPartner_AsAnotherPartner_Returns403()
    {
        var partner = await _admin.CreatePartnerAsync();
        var other = await _admin.CreatePartnerAsync();

        var response = await factory.CreatePartnerClient(other.Id).GetAsync($"/api/attribution/partners/{partner.Id}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetPartner_WithStorefrontScope_Returns403()
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).GetAsync($"/api/attribution/partners/{partner.Id}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GetPartner_Unknown_Returns404Problem()
    {
        var response = await _admin.GetAsync($"/api/attribution/partners/{Guid.NewGuid()}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListPartners_WalkingAllPages_ReturnsEveryPartnerOnce()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await _admin.CreatePartnerAsync()).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = "/api/attribution/partners?limit=2" + (cursor is null ? "" : $"&after={cursor}");
            var page = await (await _admin.GetAsync(url, Ct)).ShouldBeAsync<PageResponse<PartnerResponse>>(HttpStatusCode.OK);
            Assert.InRange(page.Items.Count, 0, 2);
            seen.AddRange(page.Items.Select(partner => partner.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(created, id => Assert.Contains(id, seen));
        Assert.Equal(seen.Order().ToList(), seen);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=201")]
    [InlineData("?limit=abc")]
    [InlineData("?after=not-a-cursor")]
    [InlineData("?after=!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task ListPartners_BadPaging_Returns400(string query)
    {
        var response = await _admin.GetAsync("/api/attribution/partners" + query, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePartner_OfAProgram_WithACommissionRate_Is400_TheProgramsPlanPays()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.10 } });

        var response = await _admin.PostAsJsonAsync("/api/attribution/partners", new
        {
            name = "Rated", email = AttributionClientExtensions.UniqueEmail(), kind = "affiliate", programId = program.Id, commissionRate = 0.5m,
        }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"commissionRate\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("commissions")]
    [InlineData("ledger")]
    [InlineData("ledger.csv")]
    [InlineData("payouts")]
    [InlineData("clicks/summary")]
    public async Task PartnerReads_OfAnUnknownPartner_Return404(string read)
    {
        var partner = await _admin.CreatePartnerAsync();

        var unknown = await _admin.GetAsync($"/api/attribution/partners/{Guid.NewGuid()}/{read}", Ct);
        var known = await _admin.GetAsync($"/api/attribution/partners/{partner.Id}/{read}", Ct);
        var otherPartner = await factory.CreatePartnerClient(partner.Id).GetAsync($"/api/attribution/partners/{Guid.NewGuid()}/{read}", Ct);

        var problem = await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Partner not found", problem.Title);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherPartner.StatusCode);
    }
}
