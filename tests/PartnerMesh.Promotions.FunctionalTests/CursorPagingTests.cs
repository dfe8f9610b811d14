using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Every cursor list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>).</summary>
public sealed class CursorPagingTests(FullEvaluationLogFactory factory) : IClassFixture<FullEvaluationLogFactory>
{
    private const string Definitions = "/api/promotions/definitions";
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("definitions", "evaluation-log", "id")]
    [InlineData("versions", "history", "version")]
    [InlineData("history", "versions", "id")]
    [InlineData("evaluation-log", "definitions", "id")]
    public async Task List_WalksEveryItemOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors(string list, string other, string id)
    {
        var visitor = $"cursor-{Guid.NewGuid():N}";
        var product = UniqueProduct();
        Guid promotion = default;
        for (var index = 0; index < 3; index++)
        {
            promotion = (await (await _admin.PostAsJsonAsync(Definitions, new JsonObject { ["definition"] = PercentOffProduct(UniqueProduct(), 10) }, Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
            await _storefront.EvaluateAsync(Cart(("a", product, 1, 10m, null)).With("visitorId", visitor));
        }

        for (var percent = 11; percent <= 12; percent++)
        {
            await (await _admin.PutAsJsonAsync($"{Definitions}/{promotion}", new JsonObject { ["definition"] = PercentOffProduct(product, percent) }, Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        string PathOf(string name) => name switch
        {
            "versions" or "history" => $"{Definitions}/{promotion}/{name}",
            "evaluation-log" => $"/api/promotions/evaluation-log?visitorId={visitor}",
            _ => Definitions,
        };
        await Eventually.GetAsync(async () =>
            (await _admin.GetFromJsonAsync<JsonObject>(PathOf("evaluation-log"), Ct))!["items"]!.AsArray().Count == 3 ? "logged" : null);

        var items = await CursorPaging.WalkAsync(_admin, PathOf(list), id: id, cancellationToken: Ct);
        Assert.True(list == "definitions" ? items.Count >= 3 : items.Count == 3, $"{items.Count} items");

        var own = await CursorPaging.FirstCursorAsync(_admin, PathOf(list), Ct);
        var foreign = await CursorPaging.FirstCursorAsync(_admin, PathOf(other), Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(_admin, PathOf(list), own, foreign, cancellationToken: Ct);
    }
}
