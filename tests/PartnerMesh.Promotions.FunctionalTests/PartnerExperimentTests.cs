using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>A partner reads the experiments scoped to its own traffic and their results — never another partner's, nor
/// experiments over all traffic; the partner comes from the token.</summary>
public sealed class PartnerExperimentTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private const string Path = "/api/promotions/partner-experiments";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Partner_SeesOnlyItsOwnExperiments_AndTheirResults()
    {
        var mine = await RegisterPartnerAsync();
        var theirs = await RegisterPartnerAsync();
        var myExperiment = await CreateStartedAsync("mine", mine);
        var theirExperiment = await CreateStartedAsync("theirs", theirs);
        var everyone = await CreateStartedAsync("all traffic", null);
        var me = factory.CreatePartnerClient(mine);

        var listed = (await (await me.GetAsync(Path, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray();
        var results = await (await me.GetAsync($"{Path}/{myExperiment}/results", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var experiment = Assert.Single(listed)!;
        Assert.Equal(myExperiment, experiment["id"]!.GetValue<Guid>());
        Assert.Equal("running", experiment["status"]!.GetValue<string>());
        Assert.Equal(["a", "control"], experiment["variants"]!.AsArray().Select(variant => variant!["key"]!.GetValue<string>()));
        Assert.DoesNotContain(theirs.ToString(), listed.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["a", "control"], results["variants"]!.AsArray().Select(variant => variant!["variant"]!.GetValue<string>()));
        await (await me.GetAsync($"{Path}/{theirExperiment}/results", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await me.GetAsync($"{Path}/{everyone}/results", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await me.GetAsync($"{Path}?partnerId={theirs}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.Storefront().GetAsync(Path, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var asAdmin = (await (await _admin.GetAsync($"{Path}?partnerId={theirs}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(theirExperiment, Assert.Single(asAdmin)!["id"]!.GetValue<Guid>());
        await (await _admin.GetAsync(Path, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<Guid> CreateStartedAsync(string name, Guid? partner)
    {
        var promotion = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10m));
        var created = await (await _admin.PostAsJsonAsync("/api/promotions/experiments", new JsonObject
        {
            ["name"] = name,
            ["partnerId"] = partner,
            ["variants"] = new JsonArray(
                new JsonObject { ["key"] = "a", ["promotionId"] = promotion, ["weight"] = 50 },
                new JsonObject { ["key"] = "control", ["weight"] = 50 }),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        await (await _admin.PostAsync($"/api/promotions/experiments/{id}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        return id;
    }

    private async Task<Guid> RegisterPartnerAsync()
    {
        var partner = Guid.NewGuid();
        await factory.QueryDbAsync(async db =>
        {
            db.Partners.Add(new KnownPartner { Id = partner, Name = "experiment partner", Kind = "affiliate", RegisteredAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });
        return partner;
    }
}
