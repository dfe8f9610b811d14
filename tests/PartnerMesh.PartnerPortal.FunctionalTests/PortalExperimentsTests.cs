using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PartnerMesh.PartnerPortal.Api.Experiments;
using PartnerMesh.ServiceDefaults;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Stands in for promotions-api's partner experiments: answers only for the partner the bearer token names (as the real
/// service does) and records every request's token payload.
/// </summary>
public sealed class FakePromotions : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<JsonObject> Tokens { get; } = new();

    public ConcurrentDictionary<Guid, (JsonArray Experiments, Dictionary<Guid, JsonObject> Results)> Partners { get; } = new();

    public HttpStatusCode? FailWith { get; set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/promotions/partner-experiments", (HttpRequest request) =>
            Answer(request, data => Results.Json(new JsonObject { ["items"] = data.Experiments.DeepClone(), ["nextCursor"] = null })));
        _app.MapGet("/api/promotions/partner-experiments/{id:guid}/results", (Guid id, HttpRequest request) =>
            Answer(request, data => data.Results.TryGetValue(id, out var results) ? Results.Json(results) : Results.NotFound()));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
    }

    private IResult Answer(HttpRequest request, Func<(JsonArray Experiments, Dictionary<Guid, JsonObject> Results), IResult> answer)
    {
        var payload = Payload(request.Headers.Authorization.ToString());
        Tokens.Enqueue(payload);
        if (FailWith is { } status)
        {
            return Results.StatusCode((int)status);
        }

        return Guid.TryParse(payload["partner_id"]?.GetValue<string>(), out var partner) && Partners.TryGetValue(partner, out var data)
            ? answer(data)
            : Results.Json(new JsonObject { ["items"] = new JsonArray(), ["nextCursor"] = null });
    }

    private static JsonObject Payload(string authorization)
    {
        var part = authorization["Bearer ".Length..].Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '='))))!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The portal with promotions-api replaced by <see cref="FakePromotions"/>.</summary>
public sealed class ExperimentsPortalFactory : PortalApiFactory
{
    public FakePromotions Promotions { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await Promotions.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings[$"services:{ResourceNames.PromotionsApi}:http:0"] = Promotions.BaseAddress.ToString();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Promotions.DisposeAsync();
    }
}

/// <summary>The experiments page: the partner's own experiments with per-variant results, asked for as that partner.</summary>
public sealed class PortalExperimentsTests(ExperimentsPortalFactory factory) : IClassFixture<ExperimentsPortalFactory>
{
    [Fact]
    public async Task SignedInPartner_SeesItsExperimentsWithResultsPerVariant_AskedForWithItsOwnPartnerToken()
    {
        var partner = await factory.SignInNewPartnerAsync("Experimenting Partner");
        var experiment = Guid.NewGuid();
        factory.Promotions.Partners[partner.PartnerId] = (
            new JsonArray(new JsonObject
            {
                ["id"] = experiment, ["name"] = "Free socks <b>or</b> 10 % off", ["status"] = "running", ["holdoutPercent"] = 10,
                ["variants"] = new JsonArray(
                    new JsonObject { ["key"] = "socks", ["weight"] = 50, ["isControl"] = false },
                    new JsonObject { ["key"] = "ten-off", ["weight"] = 50, ["isControl"] = false }),
                ["winner"] = null, ["startedAt"] = "2026-12-01T09:00:00Z", ["endedAt"] = null,
            }),
            new Dictionary<Guid, JsonObject>
            {
                [experiment] = new()
                {
                    ["experimentId"] = experiment, ["status"] = "running", ["baseline"] = "holdout", ["method"] = "z-test",
                    ["variants"] = new JsonArray(
                        Variant("holdout", 100, 5, 5, 80.00m, 4.00m, null),
                        Variant("socks", 400, 32, 35, 92.5m, 8.09m, new JsonObject { ["difference"] = 0.03, ["pValue"] = 0.21, ["lowerBound"] = -0.02, ["upperBound"] = 0.08 }),
                        WithSales(
                            Variant("ten-off", 420, 50, 52, 101.25m, 12.54m, new JsonObject { ["difference"] = 0.069, ["pValue"] = 0.004, ["lowerBound"] = 0.03, ["upperBound"] = 0.11 }),
                            ("JPY", 2, 9000m, 43m), ("KWD", 1, 0.904m, 0.002m))),
                },
            });

        var html = await partner.Browser.GetPageAsync(ExperimentPages.Path);

        Assert.Contains("<h2 id=\"experiment-" + experiment.ToString("N") + "\">Free socks &lt;b&gt;or&lt;/b&gt; 10 % off</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">holdout (baseline)</th><td>100</td><td>5</td><td>5.0 %</td><td>5</td><td>EUR 80.00</td><td>EUR 4.00</td><td>—</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td>52</td><td>EUR 101.25<br>JPY 9000<br>KWD 0.904</td><td>EUR 12.54<br>JPY 43<br>KWD 0.002</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>&#x2B;6.9 points (significant, p = 0.004)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>&#x2B;3.0 points (not significant, p = 0.210)</td>", html, StringComparison.Ordinal);
        Assert.Contains("started 2026-12-01", html, StringComparison.Ordinal);
        var token = factory.Promotions.Tokens.Last();
        Assert.Equal(partner.PartnerId.ToString(), token["partner_id"]!.GetValue<string>());
        Assert.Equal(ResourceNames.PromotionsApi, token["aud"]!.ToString());
        Assert.Contains("partner", token["scope"]!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("admin", token["scope"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherPartner_SeesNoneOfThem()
    {
        var first = await factory.SignInNewPartnerAsync("First");
        var second = await factory.SignInNewPartnerAsync("Second");
        factory.Promotions.Partners[first.PartnerId] = (
            new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid(), ["name"] = "First's secret test", ["status"] = "running", ["holdoutPercent"] = 0,
                ["variants"] = new JsonArray(), ["winner"] = null, ["startedAt"] = null, ["endedAt"] = null,
            }),
            []);

        var html = await second.Browser.GetPageAsync(ExperimentPages.Path);

        Assert.DoesNotContain("First's secret test", html, StringComparison.Ordinal);
        Assert.Contains(ExperimentPages.NoExperimentsMessage, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromotionsDown_ShowsAFriendlyMessage_NotAnError()
    {
        var partner = await factory.SignInNewPartnerAsync();
        factory.Promotions.FailWith = HttpStatusCode.ServiceUnavailable;
        try
        {
            var html = await partner.Browser.GetPageAsync(ExperimentPages.Path);

            Assert.Contains(ExperimentPages.UnavailableMessage, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Promotions.FailWith = null;
        }
    }

    [Fact]
    public async Task WithoutASession_RedirectsToSignIn_AndTheDashboardLinksToThePage()
    {
        var anonymous = await new PortalBrowser(factory).GetAsync(ExperimentPages.Path);
        var partner = await factory.SignInNewPartnerAsync();
        var dashboard = await partner.Browser.GetPageAsync("/portal/");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/portal/login", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/portal/experiments\">Experiments</a>", dashboard, StringComparison.Ordinal);
    }

    private static JsonObject Variant(string key, long exposures, long conversions, long orders, decimal aov, decimal perVisitor, JsonObject? test) => new()
    {
        ["variant"] = key, ["exposures"] = exposures, ["conversions"] = conversions, ["conversionRate"] = (double)conversions / exposures,
        ["orders"] = orders, ["conversionVsBaseline"] = test, ["promotionId"] = null,
        ["sales"] = new JsonArray(new JsonObject
        {
            ["currency"] = "EUR", ["orders"] = orders, ["revenue"] = aov * orders, ["averageOrderValue"] = aov, ["revenuePerVisitor"] = perVisitor,
            ["promotionCost"] = 0m, ["averageOrderValueVsBaseline"] = null,
        }),
    };

    /// <summary>Adds the variant's orders in other currencies: promotions reports money per currency, never summed.</summary>
    private static JsonObject WithSales(JsonObject variant, params (string Currency, long Orders, decimal Aov, decimal PerVisitor)[] sales)
    {
        foreach (var (currency, orders, aov, perVisitor) in sales)
        {
            variant["sales"]!.AsArray().Add(new JsonObject
            {
                ["currency"] = currency, ["orders"] = orders, ["revenue"] = aov * orders, ["averageOrderValue"] = aov, ["revenuePerVisitor"] = perVisitor,
                ["promotionCost"] = 0m, ["averageOrderValueVsBaseline"] = null,
            });
        }

        return variant;
    }
}
