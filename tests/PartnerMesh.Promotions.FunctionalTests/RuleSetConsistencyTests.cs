using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Two instances on one database and one Redis: a publish on one is what the other evaluates with, at once.</summary>
public sealed class RuleSetConsistencyTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishPauseKillSwitch_OnOneInstance_SecondInstanceFollows_ThroughRedisNotification()
    {
        // The second instance polls only hourly: what it learns, it learns from the Redis notification.
        await using var second = factory.WithWebHostBuilder(builder => builder.UseSetting("Promotions:RuleSetPollInterval", "01:00:00"));
        await second.Services.GetRequiredService<RuleSetProvider>().WhenLoadedAsync(Ct);
        var secondStorefront = second.CreateClient();
        secondStorefront.DefaultRequestHeaders.Authorization = factory.Storefront().DefaultRequestHeaders.Authorization;
        var admin = factory.Admin();
        var product = PromotionsTestClient.UniqueProduct();
        var cart = PromotionsTestClient.Cart(("l", product, 1, 40m, null));

        var created = await (await admin.PostAsJsonAsync("/api/promotions/definitions",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 25) }, Ct)).ShouldBeAsync<JsonObject>(System.Net.HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();

        var stopwatch = Stopwatch.StartNew();
        (await admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct)).EnsureSuccessStatusCode();
        // Polled every 10 ms (with a deadline) so the figure below is the propagation time, not the poll interval.
        while ((await secondStorefront.EvaluateAsync(cart)).Applied(id) is null)
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "the second instance applies the published promotion");
            await Task.Delay(10, Ct);
        }

        var published = stopwatch.Elapsed;

        (await admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/pause", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => (await secondStorefront.EvaluateAsync(cart)).Applied(id) is null,
            TimeSpan.FromSeconds(10), "the second instance stops applying the paused promotion");

        var firstAnswer = await factory.Storefront().EvaluateAsync(cart);
        var secondAnswer = await secondStorefront.EvaluateAsync(cart);
        Assert.Equal(firstAnswer["ruleSetVersion"]!.GetValue<long>(), secondAnswer["ruleSetVersion"]!.GetValue<long>());
        Assert.Equal(firstAnswer["totals"]!.ToJsonString(), secondAnswer["totals"]!.ToJsonString());
        TestContext.Current.SendDiagnosticMessage($"publish (request sent) → second instance consistent after {published.TotalMilliseconds:F0} ms");
    }
}
