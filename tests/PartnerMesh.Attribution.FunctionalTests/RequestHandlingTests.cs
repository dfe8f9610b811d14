using System.Net;
using System.Text;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

public class RequestHandlingTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/attribution/nothing-here")]
    [InlineData("/api/attribution/partners/not-a-guid")]
    [InlineData("/api/attribution")]
    public async Task UnknownRoute_Returns404Problem(string path)
    {
        var response = await _admin.GetAsync(path, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownRoute_WithoutToken_Returns401()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/api/attribution/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreatePartner_MalformedJson_Returns400Problem()
    {
        using var content = new StringContent("""{"name": "A", "email": """, Encoding.UTF8, "application/json");

        var response = await _admin.PostAsync("/api/attribution/partners", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePartner_WrongType_Returns400Problem()
    {
        using var content = new StringContent(
            """{"name":"A","email":"a@example.com","kind":"affiliate","commissionRate":"ten percent"}""", Encoding.UTF8, "application/json");

        var response = await _admin.PostAsync("/api/attribution/partners", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePartner_OversizedBody_Returns413Problem()
    {
        using var content = new StringContent($$"""{"name":"{{new string('n', 100_000)}}"}""", Encoding.UTF8, "application/json");

        var response = await _admin.PostAsync("/api/attribution/partners", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Health_WithPostgresRedisAndBroker_BecomesHealthy()
    {
        var anonymous = factory.CreateAnonymousClient();

        await Eventually.UntilAsync(async () => (await anonymous.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK,
            because: "PostgreSQL, Redis and the bus all report healthy");
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAnonymously()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/api/attribution/conversions", document, StringComparison.Ordinal);
        Assert.Contains("/r/{code}", document, StringComparison.Ordinal);
    }
}
