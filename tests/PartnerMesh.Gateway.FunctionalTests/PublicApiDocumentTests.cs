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
}
