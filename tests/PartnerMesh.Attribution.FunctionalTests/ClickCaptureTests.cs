using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Click capture at the redirect and server to server: every field, duplicates, open redirects, fallbacks.</summary>
public class ClickCaptureTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private readonly HttpClient _shopper = factory.CreateAnonymousClient();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redirect_CapturesEveryPaidClickIdAndTheLandingUrl_AndPublishesThem()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/landing");

        using var response = await _shopper.GetAsync(
            $"/r/{link.Code}?gclid=g1&fbclid=f1&msclkid=m1&ttclid=t1&li_fat_id=l1&rdclid=r1&twclid=x1&utm_term=shoes&utm_content=a", Ct);

        var clickId = AttributionClientExtensions.ClickIdOf(response);
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.Id == clickId, Ct));
        Assert.Equal(("g1", "f1", "m1", "t1", "l1", "r1", "x1"), (click.Gclid, click.Fbclid, click.Msclkid, click.Ttclid, click.LiFatId, click.Rdclid, click.Twclid));
        Assert.Equal(("https://shop.example/landing", "redirect"), (click.LandingUrl, click.Source));
        var published = Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.ClickId == clickId));
        Assert.Equal(("g1", "f1", "m1", "t1", "l1", "r1", "x1", "shoes", "a", "https://shop.example/landing"),
            (published.Gclid, published.Fbclid, published.Msclkid, published.Ttclid, published.LiFatId, published.Rdclid, published.Twclid,
             published.UtmTerm, published.UtmContent, published.LandingUrl));
    }

    [Fact]
    public async Task Head_AnswersTheRedirectWithoutRecordingAClickOrSettingCookies()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/head");

        using var head = await _shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/r/{link.Code}?utm_source=preview"), Ct);
        using var unknown = await _shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/r/nosuchcode1"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, head.StatusCode);
        Assert.StartsWith("https://shop.example/head", head.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.False(head.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.False(await factory.QueryDbAsync(db => db.Clicks.AnyAsync(c => c.LinkId == link.Id, Ct)));
    }

    [Fact]
    public async Task Redirect_KeepsTheTargetsOwnUtmAndAddsTheShoppers()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/p?utm_source=partner&utm_medium=affiliate");

        using var kept = await _shopper.GetAsync($"/r/{link.Code}", Ct);
        using var added = await _shopper.GetAsync($"/r/{link.Code}?utm_campaign=spring", Ct);

        Assert.Equal(("partner", "affiliate"), (AttributionClientExtensions.QueryValue(kept.Headers.Location!, "utm_source"), AttributionClientExtensions.QueryValue(kept.Headers.Location!, "utm_medium")));
        Assert.Equal(("partner", "spring"), (AttributionClientExtensions.QueryValue(added.Headers.Location!, "utm_source"), AttributionClientExtensions.QueryValue(added.Headers.Location!, "utm_campaign")));
    }

    [Fact]
    public async Task CollapsedRepeatWithAPaidClickId_CarriesItToTheKeptClick_SoTheNoPaidSearchPolicyHolds()
    {
        var program = await _admin.CreateProgramAsync(new { noPaidSearch = true });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var code = (await _admin.CreateLinkAsync(partner.Id)).Code;
        var visitor = NewVisitor();
        var first = await _shopper.ClickAsVisitorAsync(code, visitor);

        var repeat = await _shopper.ClickAsVisitorAsync(code, visitor, "?gclid=PAID&msclkid=M-1");
        var conversion = await _storefront.ConvertAsync(Order(100m, repeat));

        Assert.Equal(first, repeat);
        var summary = await _admin.GetFromJsonAsync<ClickSummaryResponse>($"/api/attribution/partners/{partner.Id}/clicks/summary", Ct);
        Assert.Equal((1L, 1L, 1L), (summary!.Clicks, summary.DuplicateClicks, summary.PaidClicks));
        var kept = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.Id == first, Ct));
        Assert.Equal(("PAID", "M-1"), (kept.Gclid, kept.Msclkid));
        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.OrderId == conversion.OrderId, Ct));
        Assert.Equal(("held", "paid-search-policy"), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task Redirect_SameVisitorAgainWithinTheWindow_CollapsesIntoOneClick()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();

        var first = await _shopper.ClickAsVisitorAsync(link.Code, visitor);
        var second = await _shopper.ClickAsVisitorAsync(link.Code, visitor);
        var otherVisitor = await _shopper.ClickAsVisitorAsync(link.Code, NewVisitor());

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherVisitor);
        Assert.Equal([0, 1], (await factory.QueryDbAsync(db => db.Clicks.Where(c => c.LinkId == link.Id).Select(c => c.Duplicates).ToListAsync(Ct))).Order());
        Assert.Single(await factory.OutboxEventsAsync<ClickRecorded>(e => e.ClickId == first));
    }

    [Fact]
    public async Task Redirect_DuplicateWindowZero_RecordsEveryClick()
    {
        var program = await _admin.CreateProgramAsync(new { duplicateClickWindowSeconds = 0 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();

        Assert.NotEqual(await _shopper.ClickAsVisitorAsync(link.Code, visitor), await _shopper.ClickAsVisitorAsync(link.Code, visitor));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/")]
    [InlineData("https://shop.example@evil.example/")]
    [InlineData("https://shop.example.evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Redirect_DeepLinkToAnotherHost_IsIgnored(string url)
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/landing");

        using var response = await _shopper.GetAsync($"/r/{link.Code}?url={Uri.EscapeDataString(url)}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://shop.example/landing?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_DeepLinkOnAnAllowedHost_IsFollowed()
    {
        var program = await _admin.CreateProgramAsync(new { allowedHosts = new[] { "shop.example", "*.shop.example" } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id, "https://shop.example/landing");

        using var response = await _shopper.GetAsync($"/r/{link.Code}?url={Uri.EscapeDataString("https://eu.shop.example/p/42")}", Ct);

        Assert.StartsWith("https://eu.shop.example/p/42?pm_click=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateLink_TargetOutsideTheProgramsAllowedHosts_Returns400()
    {
        var program = await _admin.CreateProgramAsync(new { allowedHosts = new[] { "shop.example" } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);

        var response = await _admin.PostAsJsonAsync($"/api/attribution/partners/{partner.Id}/links", new { targetUrl = "https://evil.example/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Redirect_InactiveLink_GoesToTheProgramsFallbackWithoutRecording()
    {
        var program = await _admin.CreateProgramAsync(new { fallbackUrl = "https://shop.example/sorry" });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);
        (await _admin.PutAsJsonAsync($"/api/attribution/partners/{partner.Id}/links/{link.Id}", new { targetUrl = link.TargetUrl, active = false }, Ct)).EnsureSuccessStatusCode();

        using var response = await _shopper.GetAsync($"/r/{link.Code}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://shop.example/sorry", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.Contains(HeaderNames.SetCookie));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Clicks.CountAsync(c => c.LinkId == link.Id, Ct)));
    }

    [Fact]
    public async Task Redirect_UnknownCodeFromABrowser_GetsAClearPage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/r/no-such-code-here");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var response = await _shopper.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not available", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_GiantAndMalformedQuery_StillRedirects()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var huge = new string('x', 6000);

        using var response = await _shopper.GetAsync($"/r/{link.Code}?utm_source=%ZZ%&utm_medium={huge}&utm_campaign=%E0%A4%A&gclid=&utm_source=second", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.Id == AttributionClientExtensions.ClickIdOf(response), Ct));
        Assert.Equal(ClickDetails.MaxParameterLength, click.UtmMedium!.Length);
        Assert.Null(click.Gclid);
    }

    [Fact]
    public async Task RegisterClick_ServerToServer_RecordsAndCollapsesRepeats()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var visitor = NewVisitor();
        var body = new
        {
            code = link.Code.ToUpperInvariant(), visitorId = visitor, landingUrl = "https://shop.example/p?x=1", referrer = "https://blog.example/",
            utmSource = "blog", gclid = "g-9", ipAddress = "203.0.113.9", userAgent = "Browser/1",
        };

        var first = await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", body, Ct)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        var repeat = await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", body, Ct)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.OK);

        Assert.Equal((first.ClickId, true), (repeat.ClickId, repeat.Duplicate));
        var click = await factory.QueryDbAsync(db => db.Clicks.SingleAsync(c => c.Id == first.ClickId, Ct));
        Assert.Equal(("server", "https://shop.example/p?x=1", "blog", "g-9", visitor), (click.Source, click.LandingUrl, click.UtmSource, click.Gclid, click.VisitorId));
    }

    [Fact]
    public async Task ServerClicksWithNeitherAddressNorUserAgent_HaveNoSource_SoManyVisitorsDoNotFloodThePartner()
    {
        var (code, partnerId) = await FloodProgramLinkAsync();
        var visitors = Enumerable.Range(0, 6).Select(_ => NewVisitor()).ToList();
        foreach (var visitor in visitors)
        {
            await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code, visitorId = visitor }, Ct)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        }

        await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", null, VisitorId: visitors[^1]));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((CommissionStatus.Pending, null), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData("203.0.113.7", null)]
    [InlineData(null, "Browser/1")]
    public async Task ServerClicksWithOnlyAnAddressOrOnlyAUserAgent_CountAsOneSource(string? ipAddress, string? userAgent)
    {
        var (code, partnerId) = await FloodProgramLinkAsync();
        var visitors = Enumerable.Range(0, 6).Select(_ => NewVisitor()).ToList();
        foreach (var visitor in visitors)
        {
            await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code, visitorId = visitor, ipAddress, userAgent }, Ct))
                .ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created);
        }

        await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", null, VisitorId: visitors[^1]));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((CommissionStatus.Held, FraudRules.ClickFlooding), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData(4, CommissionStatus.Pending)]
    [InlineData(5, CommissionStatus.Held)]
    public async Task ClickFlooding_CountsTheSourcesClicksBeforeTheCreditingClick_NotTheClickItself(int clicksBefore, string expected)
    {
        var (code, partnerId) = await FloodProgramLinkAsync();
        var source = new { code, ipAddress = "198.51.100.23", userAgent = $"Browser/{Guid.NewGuid():N}" };
        var clicks = new List<Guid>();
        for (var i = 0; i <= clicksBefore; i++)
        {
            clicks.Add((await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", source, Ct)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created)).ClickId);
        }

        await _storefront.ConvertAsync(Order(100m, clicks[^1]));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((expected, expected == CommissionStatus.Held ? FraudRules.ClickFlooding : null), (entry.Status, entry.HoldReasons));
    }

    [Fact]
    public async Task ClickFlooding_IgnoresClicksAfterTheCreditingClick()
    {
        var (code, partnerId) = await FloodProgramLinkAsync();
        var source = new { code, ipAddress = "198.51.100.24", userAgent = $"Browser/{Guid.NewGuid():N}" };
        var clicks = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            clicks.Add((await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", source, Ct)).ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created)).ClickId);
        }

        await _storefront.ConvertAsync(Order(100m, clicks[0]));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partnerId, Ct));
        Assert.Equal((CommissionStatus.Pending, null), (entry.Status, entry.HoldReasons));
    }

    [Theory]
    [InlineData(59, CommissionStatus.Held)]
    [InlineData(61, CommissionStatus.Pending)]
    public async Task ClickFlooding_CountsOnlyTheHourBeforeTheCreditingClick(int minutesBefore, string expected)
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, clickFloodThreshold = 5 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);
        var (ipAddress, userAgent) = ("198.51.100.25", $"Browser/{Guid.NewGuid():N}");
        var clickId = (await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code = link.Code, ipAddress, userAgent }, Ct))
            .ShouldBeAsync<RegisterClickResponse>(HttpStatusCode.Created)).ClickId;
        await factory.QueryDbAsync(async db =>
        {
            var clickedAt = (await db.Clicks.SingleAsync(c => c.Id == clickId, Ct)).OccurredAt;
            db.Clicks.AddRange(Enumerable.Range(0, 5).Select(i => new Click
            {
                Id = Guid.CreateVersion7(), LinkId = link.Id, PartnerId = partner.Id, Code = link.Code, VisitorId = NewVisitor(),
                SourceKey = ClickSource.KeyOf(ipAddress, userAgent), OccurredAt = clickedAt.AddMinutes(-minutesBefore).AddSeconds(i),
                LastSeenAt = clickedAt.AddMinutes(-minutesBefore).AddSeconds(i),
            }));
            return await db.SaveChangesAsync(Ct);
        });

        await _storefront.ConvertAsync(Order(100m, clickId));

        var entry = await factory.QueryDbAsync(db => db.Commissions.SingleAsync(c => c.PartnerId == partner.Id, Ct));
        Assert.Equal(expected, entry.Status);
    }

    [Theory]
    [InlineData(false, CommissionStatus.Held)]
    [InlineData(true, CommissionStatus.Held)]
    public async Task ClickFlooding_CountsUpToTheVisitLastClickCredits_SoAnEarlierClickOnTheCreditingLinkHidesNoFlood(bool clickedFirst, string expected)
    {
        // Last click credits L1 by its latest visit (a repeat collapsed into its first click): the five clicks on L2 came
        // before that visit whether or not the shopper had also followed L1 before them. One more click, never less suspicion.
        var program = await _admin.CreateProgramAsync(new
        {
            holdDays = 0, clickFloodThreshold = 5, duplicateClickWindowSeconds = 1800, plan = new { type = "percent", rate = 0.1, perLead = 2 },
        });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var (l1, l2) = (await _admin.CreateLinkAsync(partner.Id), await _admin.CreateLinkAsync(partner.Id));
        var visitor = NewVisitor();
        async Task<Guid> Click(string code) =>
            (await (await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code, visitorId = visitor }, Ct)).Content.ReadFromJsonAsync<RegisterClickResponse>(Ct))!.ClickId;

        var firstL1 = clickedFirst ? await Click(l1.Code) : (Guid?)null;
        for (var i = 0; i < 5; i++)
        {
            await Click(l2.Code);
        }

        var lastL1 = await Click(l1.Code);
        var conversion = await _storefront.ConvertAsync(new RecordConversionRequest(NewOrderId(), null, 100m, "EUR", null, VisitorId: visitor, ProgramId: program.Id));
        (await _storefront.PostAsJsonAsync("/api/attribution/leads", new Api.Leads.RecordLeadRequest($"lead-{Guid.NewGuid():N}", "signup", null, visitor, null, null, Later), Ct))
            .EnsureSuccessStatusCode();

        Assert.Equal(firstL1 ?? lastL1, lastL1);
        Assert.Equal((lastL1, AttributionDecision.LastClick), (conversion.ClickId, conversion.Reason));
        var entries = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.PartnerId == partner.Id).OrderBy(c => c.Kind).ToListAsync(Ct));
        Assert.Equal(
            [(CommissionKind.Lead, expected, FraudRules.ClickFlooding), (CommissionKind.Sale, expected, FraudRules.ClickFlooding)],
            entries.Select(e => (e.Kind, e.Status, e.HoldReasons)));
    }

    /// <summary>A link of a program that holds at 5 clicks of one source in the hour.</summary>
    private async Task<(string Code, Guid PartnerId)> FloodProgramLinkAsync()
    {
        var program = await _admin.CreateProgramAsync(new { holdDays = 0, clickFloodThreshold = 5 });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        return ((await _admin.CreateLinkAsync(partner.Id)).Code, partner.Id);
    }

    [Theory]
    [InlineData("{\"code\":\"no-such-code-x\"}", HttpStatusCode.NotFound)]
    [InlineData("{\"code\":\"\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"code\":\"abc\",\"visitorId\":\"has spaces\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"code\":\"abc\",\"landingUrl\":\"ftp://x\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"code\":12}", HttpStatusCode.BadRequest)]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    public async Task RegisterClick_BadInput_IsAProblem(string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await _storefront.PostAsync("/api/attribution/clicks", content, Ct);

        await response.ShouldBeProblemAsync(expected);
    }

    [Fact]
    public async Task RegisterClick_NeedsAStorefrontOrAdminToken()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _shopper.PostAsJsonAsync("/api/attribution/clicks", new { code = "abc" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreatePartnerClient(Guid.NewGuid()).PostAsJsonAsync("/api/attribution/clicks", new { code = "abc" }, Ct)).StatusCode);
    }
}
