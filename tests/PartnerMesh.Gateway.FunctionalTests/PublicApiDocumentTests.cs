using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public sealed class PublicApiDocumentTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublicDocument_WithoutAKey_DescribesEveryRoutedServiceAndTheRateLimitHeaders()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/openapi/public.json", Ct);

        var document = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/promotions/evaluations", "/api/coupons/validations", "/api/surveys/decisions", "/api/gateway/keys", "/r/{code}" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the public document");
        }

        Assert.Equal("#/components/headers/RateLimit-Remaining",
            paths["/api/promotions/evaluations"]!["post"]!["responses"]!["200"]!["headers"]!["RateLimit-Remaining"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["headers"]!["Retry-After"]);
        Assert.Equal(MediaTypeHeaderValue.Parse("application/json"), response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task PublicDocument_Revalidated_AnswersNotModified()
    {
        var client = factory.CreateAnonymousClient();
        var first = await client.GetAsync("/openapi/public.json", Ct);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/public.json");
        request.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("W/{0}")]
    [InlineData("\"other\", {0}")]
    [InlineData("\"other\", W/{0}")]
    [InlineData("*")]
    public async Task PublicDocument_RevalidatedWithAWeakTagAListOrAStar_AnswersNotModified(string ifNoneMatch)
    {
        var client = factory.CreateAnonymousClient();
        var etag = (await client.GetAsync("/openapi/public.json", Ct)).Headers.ETag!.Tag;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/public.json");
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, ifNoneMatch, etag));
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task PublicDocument_RevalidatedWithAnotherTag_AnswersTheDocument()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/public.json");
        request.Headers.TryAddWithoutValidation("If-None-Match", "W/\"other\", \"stale\"");

        var response = await factory.CreateAnonymousClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task PublicDocument_Head_AnswersLikeGetWithoutABody()
    {
        var client = factory.CreateAnonymousClient();
        var get = await client.GetAsync("/openapi/public.json", Ct);
        var length = (await get.Content.ReadAsByteArrayAsync(Ct)).Length;

        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/openapi/public.json"), Ct);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(MediaTypeHeaderValue.Parse("application/json"), head.Content.Headers.ContentType);
        Assert.Equal(length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("/openapi/x.json")]
    [InlineData("/openapi/gateway.json")]
    [InlineData("/openapi/v2.json")]
    public async Task UnknownOpenApiDocument_Returns404Problem(string path)
    {
        var response = await factory.CreateAnonymousClient().GetAsync(path, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
