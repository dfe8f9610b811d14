using System.Net;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Attribution;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The partner-scoped attribution reads through the portal's BFF (profile, links, codes, clicks summary, commissions,
/// ledger and its CSV, payouts, program agreements and accepting one), with attribution-api replaced by
/// <see cref="FakeAttribution"/>, which, like attribution, answers a token only for its own partner.
/// </summary>
public class PartnerAttributionBffTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each read: the portal's path and the attribution path it asks.</summary>
    public static TheoryData<string, string> Reads => new()
    {
        { "/portal/api/profile", "/api/attribution/me" },
        { "/portal/api/links", "/api/attribution/me/links" },
        { "/portal/api/codes", "/api/attribution/me/codes" },
        { "/portal/api/clicks/summary", "/api/attribution/me/clicks/summary" },
        { "/portal/api/commissions", "/api/attribution/me/commissions" },
        { "/portal/api/ledger", "/api/attribution/me/ledger" },
        { "/portal/api/ledger.csv", "/api/attribution/me/ledger.csv" },
        { "/portal/api/payouts", "/api/attribution/me/payouts" },
    };

    public static TheoryData<string> Calls => new()
    {
        "/portal/api/profile", "/portal/api/links", "/portal/api/codes", "/portal/api/clicks/summary", "/portal/api/commissions",
        "/portal/api/ledger", "/portal/api/ledger.csv", "/portal/api/payouts", "/portal/api/agreements",
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Read_WithSession_PassesOnAttributionsAnswerForTheSessionsPartner_WithItsToken(string path, string attributionPath)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(path);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains(partner.PartnerId.ToString("N")[..8], body, StringComparison.Ordinal);
        var request = factory.Attribution.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path == attributionPath);
        Assert.Equal("", request.Query);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner, ResourceNames.AttributionApi);
    }

    [Fact]
    public async Task Commissions_WithStatusAndPaging_ArePassedOnEscaped_AndOnlyThose()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");

        var page = await partner.Browser.GetAsync($"/portal/api/commissions?status=held&limit=10&partnerId={other}&partner_id={other}");
        var injected = await partner.Browser.GetAsync($"/portal/api/commissions?after={Uri.EscapeDataString("c2&status=paid")}");

        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync(Ct));
        var item = json.RootElement.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("held", item.GetProperty("status").GetString());
        Assert.Equal(["self-referral", "code-leak"], item.GetProperty("holdReasons").EnumerateArray().Select(reason => reason.GetString()));
        Assert.Equal(FakeAttribution.SecondPage, json.RootElement.GetProperty("nextCursor").GetString());
        Assert.Contains(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?status=held&limit=10");
        Assert.Contains(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Query == "?after=c2%26status%3Dpaid");
        await injected.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        AssertNeverAskedFor(other);
    }

    [Theory]
    [InlineData("/portal/api/commissions?status=owed", "status")]
    [InlineData("/portal/api/commissions?limit=0", "limit")]
    [InlineData("/portal/api/links?after=not-a-cursor", "after")]
    [InlineData("/portal/api/codes?limit=500", "limit")]
    [InlineData("/portal/api/payouts?after=x", "after")]
    public async Task Read_WithABadParameter_PassesOnAttributions400Problem(string path, string field)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Pages_SecondPageThroughTheCursor_IsTheSessionsPartnersToo()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var page = await (await partner.Browser.GetAsync($"/portal/api/links?limit=1&after={FakeAttribution.SecondPage}"))
            .ShouldBeAsync<AttributionPage<PartnerLink>>(HttpStatusCode.OK);

        Assert.Equal($"{FakeAttribution.CodeOf(partner.PartnerId)}-old", Assert.Single(page.Items).Code);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Reads_ForTwoPartners_EachSessionGetsItsOwnDataAndToken()
    {
        var first = await factory.SignInNewPartnerAsync("First Partner");
        var second = await factory.SignInNewPartnerAsync("Second Partner");

        var firstCodes = await (await first.Browser.GetAsync("/portal/api/codes")).ShouldBeAsync<AttributionPage<PartnerCode>>(HttpStatusCode.OK);
        var secondLedger = await (await second.Browser.GetAsync("/portal/api/ledger")).ShouldBeAsync<PartnerLedger>(HttpStatusCode.OK);

        Assert.Equal(FakeAttribution.CodeOf(first.PartnerId), firstCodes.Items[0].Code);
        Assert.Equal($"/r/{FakeAttribution.CodeOf(first.PartnerId)}", firstCodes.Items[0].TrackingPath);
        Assert.Equal(second.PartnerId, secondLedger.PartnerId);
        Assert.Equal(["EUR", "JPY"], secondLedger.Totals.Select(totals => totals.Currency));
        Assert.Equal(12.34m, secondLedger.Totals[0].ClawedBack);
        await factory.AssertPartnerTokenAsync(factory.Attribution.Requests.Last(r => r.PartnerId == first.PartnerId).Authorization, first, ResourceNames.AttributionApi);
        await factory.AssertPartnerTokenAsync(factory.Attribution.Requests.Last(r => r.PartnerId == second.PartnerId).Authorization, second, ResourceNames.AttributionApi);
    }

    [Fact]
    public async Task LedgerCsv_IsADownloadOfTheSessionsPartnersEntries()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync("/portal/api/ledger.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("commission-ledger.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var csv = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("commission_id,created_at,kind,order_id,amount,currency,status\n", csv, StringComparison.Ordinal);
        Assert.Contains($",sale,{FakeAttribution.OrderOf(partner.PartnerId)},12.50,EUR,held", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agreements_AreThoseOfTheSessionsPartnersProgram_AskedWithItsProfile()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var program = factory.Attribution.ProgramOf(partner.PartnerId)!.Value;

        var agreements = await (await partner.Browser.GetAsync("/portal/api/agreements")).ShouldBeAsync<List<ProgramAgreement>>(HttpStatusCode.OK);

        Assert.Equal([1, 2], agreements.Select(agreement => agreement.Version));
        Assert.All(agreements, agreement => Assert.Equal(program, agreement.ProgramId));
        Assert.Contains(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Path == "/api/attribution/me");
        var request = factory.Attribution.Requests.Last(r => r.PartnerId == partner.PartnerId && r.Path == $"/api/attribution/programs/{program}/agreements");
        await factory.AssertPartnerTokenAsync(request.Authorization, partner, ResourceNames.AttributionApi);
    }

    [Fact]
    public async Task Agreements_OfAPartnerWithoutProgram_AreNone()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Attribution.WithoutProgram[partner.PartnerId] = true;

        var agreements = await (await partner.Browser.GetAsync("/portal/api/agreements")).ShouldBeAsync<List<ProgramAgreement>>(HttpStatusCode.OK);

        Assert.Empty(agreements);
        Assert.DoesNotContain(factory.Attribution.Requests, r => r.PartnerId == partner.PartnerId && r.Path.StartsWith("/api/attribution/programs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AcceptAgreement_WithThePagesToken_AcceptsForTheSessionsPartner()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var latest = FakeAttribution.LatestAgreementOf(factory.Attribution.ProgramOf(partner.PartnerId)!.Value);

        var response = await partner.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, $"/portal/api/agreements/{latest}/acceptance"));

        var agreement = await response.ShouldBeAsync<ProgramAgreement>(HttpStatusCode.OK);
        Assert.Equal((latest, 2), (agreement.Id, agreement.Version));
        Assert.Contains((partner.PartnerId, latest), factory.Attribution.Acceptances);
        var request = factory.Attribution.Requests.Last(r => r.Method == "POST" && r.PartnerId == partner.PartnerId);
        Assert.Equal($"/api/attribution/partners/{partner.PartnerId}/agreements/{latest}/acceptance", request.Path);
        await factory.AssertPartnerTokenAsync(request.Authorization, partner, ResourceNames.AttributionApi);
    }

    [Fact]
    public async Task AcceptAgreement_OfAnotherProgram_PassesOnAttributions404()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.RegisterPartnerAsync("Someone Else");
        var theirs = FakeAttribution.LatestAgreementOf(factory.Attribution.ProgramOf(other)!.Value);

        var response = await partner.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, $"/portal/api/agreements/{theirs}/acceptance"));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(factory.Attribution.Acceptances, acceptance => acceptance.AgreementId == theirs);
        AssertNeverAskedFor(other);
    }

    [Fact]
    public async Task AcceptAgreement_WithoutThePagesToken_Is400AndNeverReachesAttribution()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var latest = FakeAttribution.LatestAgreementOf(factory.Attribution.ProgramOf(partner.PartnerId)!.Value);

        var response = await partner.Browser.Http.PostAsync($"/portal/api/agreements/{latest}/acceptance", content: null, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain(factory.Attribution.Requests, r => r.Method == "POST" && r.PartnerId == partner.PartnerId);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WithoutSession_Returns401AndNeverCallsAttribution(string path)
    {
        var before = factory.Attribution.Requests.Count;

        var response = await new PortalBrowser(factory).GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, factory.Attribution.Requests.Count);
    }

    [Fact]
    public async Task AcceptAgreement_WithoutSession_Returns401()
    {
        var response = await new PortalBrowser(factory).Http.PostAsync($"/portal/api/agreements/{Guid.NewGuid()}/acceptance", content: null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WithAPartnerServiceTokenInsteadOfASession_Returns401(string path)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Partner).GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WhenAttributionFails_Returns503Problem(string path)
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Attribution.FailWith = HttpStatusCode.InternalServerError;
        try
        {
            var response = await partner.Browser.GetAsync(path);

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Attribution.FailWith = null;
        }
    }

    [Fact]
    public async Task Call_WhenAttributionRefusesThePortalsToken_Returns503Problem()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Attribution.FailWith = HttpStatusCode.Unauthorized;
        try
        {
            await (await partner.Browser.GetAsync("/portal/api/ledger")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Attribution.FailWith = null;
        }
    }

    private void AssertNeverAskedFor(Guid other) =>
        Assert.DoesNotContain(factory.Attribution.Requests, r =>
            r.PartnerId == other || r.Path.Contains(other.ToString(), StringComparison.Ordinal) || r.Query.Contains(other.ToString(), StringComparison.Ordinal));
}
