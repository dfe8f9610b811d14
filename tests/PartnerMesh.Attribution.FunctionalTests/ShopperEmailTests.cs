using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// A shopper's e-mail is checked as the shared rule folds it (<c>CustomerEmail</c>: invisible characters removed, NFKC),
/// as promotions and coupons check it, by every endpoint that takes one: a full-width <c>＠</c> (U+FF20) or a small
/// commercial at <c>﹫</c> (U+FE6B) is an <c>@</c>.
/// </summary>
public class ShopperEmailTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("\uFF20")]
    [InlineData("\uFE6B")]
    public async Task ConversionAndLead_WithAnAtThatFoldsToAnAt_AreRecordedAsThatAddress_AndItsRulesApply(string at)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, plan = new { type = "percent", rate = 0.1, perLead = 2 } });
        var local = $"p-{Guid.NewGuid():N}";
        var partner = await _admin.CreateProgramPartnerAsync(program.Id, email: $"{local}@example.com");
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();
        await _shopper.ClickAsVisitorAsync(link.Code, visitor);
        var email = $" {local}{at}EXAMPLE.com";

        var conversion = await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", null, CustomerEmail: email, VisitorId: visitor));
        using var leadResponse = await _storefront.PostAsJsonAsync(
            "/api/attribution/leads", new RecordLeadRequest($"lead-{Guid.NewGuid():N}", "signup", null, visitor, null, email, Later), Ct);
        var lead = await leadResponse.ShouldBeAsync<LeadResponse>(HttpStatusCode.Created);

        Assert.Equal((true, true), (conversion.Attributed, lead.Attributed));
        var stored = await factory.QueryDbAsync(async db => (
            (await db.Conversions.SingleAsync(c => c.Id == conversion.ConversionId, Ct)).CustomerEmail,
            (await db.Leads.SingleAsync(l => l.Id == lead.Id, Ct)).CustomerEmail));
        Assert.Equal(($"{local}@example.com", $"{local}@example.com"), stored);
        // The partner's own address: both entries held as self-referral, as with a plain '@'.
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id).OrderBy(c => c.Kind).ToListAsync(Ct));
        Assert.Equal(
            [(CommissionKind.Lead, CommissionStatus.Held, FraudRules.SelfReferral), (CommissionKind.Sale, CommissionStatus.Held, FraudRules.SelfReferral)],
            entries.Select(e => (e.Kind, e.Status, e.HoldReasons)));
    }

    [Theory]
    [InlineData("\uFF20")]
    [InlineData("\uFE6B")]
    public async Task Ambassador_WithAnAtThatFoldsToAnAt_IsEnrolledUnderThatAddress(string at)
    {
        var program = await _admin.CreateProgramAsync(new { allowedHosts = new[] { "shop.example" }, fallbackUrl = "https://shop.example/" });
        var local = $"amb-{Guid.NewGuid():N}";

        using var response = await _storefront.PostAsJsonAsync("/api/attribution/ambassadors",
            new { programId = program.Id, customerId = $"cust-{Guid.NewGuid():N}", email = $"{local}{at}example.com" }, Ct);
        var created = await response.ShouldBeAsync<AmbassadorResponse>(HttpStatusCode.Created);
        using var sameAddress = await _storefront.PostAsJsonAsync("/api/attribution/ambassadors",
            new { programId = program.Id, customerId = $"cust-{Guid.NewGuid():N}", email = $"{local}@example.com" }, Ct);

        Assert.Equal($"{local}@example.com", created.Partner.Email);
        // One address, one ambassador of the program (as for the same address in another case).
        await sameAddress.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("no-at-sign.example.com")]
    [InlineData("a\u200b@")]
    [InlineData("\u00ad@example.com")]
    [InlineData("a b@example.com")]
    public async Task ConversionAndLead_WithWhatFoldsToNoAddress_Return400NamingCustomerEmail(string email)
    {
        using var conversion = await _storefront.PostAsJsonAsync("/api/attribution/conversions", Order(10m) with { CustomerEmail = email }, Ct);
        using var lead = await _storefront.PostAsJsonAsync(
            "/api/attribution/leads", new RecordLeadRequest($"lead-{Guid.NewGuid():N}", "signup", null, NewVisitor(), null, email, null), Ct);

        foreach (var response in new[] { conversion, lead })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("\"customerEmail\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        }
    }
}
