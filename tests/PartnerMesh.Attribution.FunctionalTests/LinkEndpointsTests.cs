using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class LinkEndpointsTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateLink_WithoutCode_GeneratesUnambiguousCodeAndPublishesReferralLinkCreated()
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await _admin.PostAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links", new { targetUrl = "https://shop.example/spring?x=1" }, Ct);

        var link = await response.ShouldBeAsync<LinkResponse>(HttpStatusCode.Created);
        Assert.Equal(LinkCode.GeneratedLength, link.Code.Length);
        Assert.All(link.Code, character => Assert.Contains(character, LinkCode.Alphabet));
        Assert.Equal($"/r/{link.Code}", link.TrackingPath);
        Assert.Equal((partner.Id, "https://shop.example/spring?x=1", true), (link.PartnerId, link.TargetUrl, link.Active));
        Assert.Equal($"/api/attribution/partners/{partner.Id}/links/{link.Id}", response.Headers.Location?.OriginalString);
        var published = Assert.Single(await factory.OutboxEventsAsync<ReferralLinkCreated>(evt => evt.LinkId == link.Id));
        Assert.Equal((partner.Id, link.Code, link.TargetUrl), (published.PartnerId, published.Code, published.TargetUrl));
    }

    [Fact]
    public async Task CreateLink_WithCustomCode_UsesIt()
    {
        var partner = await _admin.CreatePartnerAsync();
        var code = AttributionClientExtensions.UniqueCode("summer");

        var link = await _admin.CreateLinkAsync(partner.Id, code: code);

        Assert.Equal(code, link.Code);
    }

    [Fact]
    public async Task CreateLink_CodeTaken_Returns409()
    {
        var partner = await _admin.CreatePartnerAsync();
        var other = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        var response = await _admin.PostAsJsonAsync(
            $"/api/attribution/partners/{other.Id}/links", new { targetUrl = "https://other.example/", code = link.Code }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CreateLink_TenConcurrentRetriesWithCustomCodeUnderOneKey_CreateOneLink_TheOthersReplayIt()
    {
        var partner = await _admin.CreatePartnerAsync();
        var body = new { targetUrl = "https://shop.example/race", code = AttributionClientExtensions.UniqueCode("race") };
        var key = $"link-race-{Guid.NewGuid():N}";

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/attribution/partners/{partner.Id}/links")
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.Add(IdempotencyKeys.Header, key);
            using var response = await _admin.SendAsync(request, Ct);
            var status = response.StatusCode;
            return (status, link: await response.ShouldBeAsync<LinkResponse>(status == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK));
        }));

        Assert.Equal(1, answers.Count(answer => answer.status == HttpStatusCode.Created));
        Assert.Equal(9, answers.Count(answer => answer.status == HttpStatusCode.OK));
        Assert.Single(answers.Select(answer => answer.link.Id).Distinct());
        Assert.Single(await factory.OutboxEventsAsync<ReferralLinkCreated>(evt => evt.Code == body.code));
    }

    [Fact]
    public async Task CreateLink_UnknownPartner_Returns404Problem()
    {
        var response = await _admin.PostAsJsonAsync(
            $"/api/attribution/partners/{Guid.NewGuid()}/links", new { targetUrl = "https://shop.example/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://shop.example/file")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user:secret@shop.example/")]
    [InlineData("https://shop.example/ü")]
    [InlineData("https://shop.example/a b")]
    public async Task CreateLink_BadTargetUrl_Returns400(string? targetUrl)
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await _admin.PostAsJsonAsync($"/api/attribution/partners/{partner.Id}/links", new { targetUrl }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateLink_TargetUrlTooLong_Returns400()
    {
        var partner = await _admin.CreatePartnerAsync();
        var targetUrl = "https://shop.example/" + new string('a', LinkRules.MaxTargetUrlLength);

        var response = await _admin.PostAsJsonAsync($"/api/attribution/partners/{partner.Id}/links", new { targetUrl }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Summer")]
    [InlineData("-summer")]
    [InlineData("sum mer")]
    [InlineData("sümmer")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public async Task CreateLink_BadCode_Returns400(string code)
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await _admin.PostAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links", new { targetUrl = "https://shop.example/", code }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateLink_WithStorefrontScope_Returns403()
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).PostAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links", new { targetUrl = "https://shop.example/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListLinks_AsOwnPartner_ReturnsOnlyItsLinks()
    {
        var partner = await _admin.CreatePartnerAsync();
        var other = await _admin.CreatePartnerAsync();
        var first = await _admin.CreateLinkAsync(partner.Id);
        var second = await _admin.CreateLinkAsync(partner.Id);
        await _admin.CreateLinkAsync(other.Id);

        var response = await factory.CreatePartnerClient(partner.Id).GetAsync($"/api/attribution/partners/{partner.Id}/links", Ct);

        var page = await response.ShouldBeAsync<PageResponse<LinkResponse>>(HttpStatusCode.OK);
        Assert.Equal([first.Id, second.Id], page.Items.Select(link => link.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListLinks_AsAnotherPartner_Returns403()
    {
        var partner = await _admin.CreatePartnerAsync();
        var other = await _admin.CreatePartnerAsync();

        var response = await factory.CreatePartnerClient(other.Id).GetAsync($"/api/attribution/partners/{partner.Id}/links", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListLinks_UnknownPartner_Returns404()
    {
        var response = await _admin.GetAsync($"/api/attribution/partners/{Guid.NewGuid()}/links", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListLinks_Paginated_ReturnsCursorUntilLastPage()
    {
        var partner = await _admin.CreatePartnerAsync();
        var created = new[] { await _admin.CreateLinkAsync(partner.Id), await _admin.CreateLinkAsync(partner.Id), await _admin.CreateLinkAsync(partner.Id) };

        var first = await (await _admin.GetAsync($"/api/attribution/partners/{partner.Id}/links?limit=2", Ct))
            .ShouldBeAsync<PageResponse<LinkResponse>>(HttpStatusCode.OK);
        var second = await (await _admin.GetAsync($"/api/attribution/partners/{partner.Id}/links?limit=2&after={first.NextCursor}", Ct))
            .ShouldBeAsync<PageResponse<LinkResponse>>(HttpStatusCode.OK);

        Assert.NotNull(first.NextCursor);
        Assert.Null(second.NextCursor);
        Assert.Equal(created.Select(link => link.Id), first.Items.Concat(second.Items).Select(link => link.Id));
    }

    [Fact]
    public async Task UpdateLink_Unknown_Returns404()
    {
        var partner = await _admin.CreatePartnerAsync();

        var response = await _admin.PutAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links/{Guid.NewGuid()}", new { targetUrl = "https://shop.example/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UpdateLink_OfAnotherPartner_Returns404()
    {
        var partner = await _admin.CreatePartnerAsync();
        var other = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        var response = await _admin.PutAsJsonAsync(
            $"/api/attribution/partners/{other.Id}/links/{link.Id}", new { targetUrl = "https://shop.example/" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UpdateLink_BadTargetUrl_Returns400()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        var response = await _admin.PutAsJsonAsync(
            $"/api/attribution/partners/{partner.Id}/links/{link.Id}", new { targetUrl = "mailto:x@example.com" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UpdateLink_WithAnotherCode_Returns400NamingCode_AndTheCodeStays()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);
        var url = $"/api/attribution/partners/{partner.Id}/links/{link.Id}";

        var changed = await _admin.PutAsJsonAsync(url, new { targetUrl = "https://shop.example/new", active = true, code = AttributionClientExtensions.UniqueCode("new") }, Ct);
        var sameCode = await _admin.PutAsJsonAsync(url, new { targetUrl = "https://shop.example/same", active = true, code = link.Code }, Ct);

        var problem = await changed.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("code", ((System.Text.Json.JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
        var updated = await sameCode.ShouldBeAsync<LinkResponse>(HttpStatusCode.OK);
        Assert.Equal((link.Code, "https://shop.example/same"), (updated.Code, updated.TargetUrl));
    }
}
