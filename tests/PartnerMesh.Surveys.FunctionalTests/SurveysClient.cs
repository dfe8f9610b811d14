using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Surveys.FunctionalTests;

/// <summary>Admin and storefront calls the tests share.</summary>
public sealed class SurveysClient(SurveysApiFactory factory) : IDisposable
{
    public HttpClient Admin { get; } = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    public HttpClient Storefront { get; } = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewVisitor() => $"visitor-{Guid.NewGuid():N}";

    public async Task<JsonObject> CreateSurveyAsync(JsonObject definition)
    {
        var response = await Admin.PostAsJsonAsync("/api/surveys/surveys", definition, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    public static JsonObject NpsSurvey(string trigger = "post-purchase", JsonArray? touchpoints = null, string frequency = "once") => new()
    {
        ["name"] = "How likely are you to recommend us?",
        ["kind"] = "nps",
        ["trigger"] = trigger,
        ["touchpoints"] = touchpoints ?? new JsonArray("order"),
        ["frequency"] = new JsonObject { ["mode"] = frequency },
        ["questions"] = new JsonArray(
            new JsonObject { ["id"] = "nps", ["type"] = "nps", ["text"] = "Recommend us?", ["required"] = true },
            new JsonObject { ["id"] = "csat", ["type"] = "csat", ["text"] = "How satisfied?" },
            new JsonObject { ["id"] = "why", ["type"] = "free-text", ["text"] = "Why?" }),
    };

    /// <summary>
    /// An NPS survey for one partner's traffic that the storefront shows with its own widget (trigger <c>event</c>, order
    /// and email touchpoints): it takes responses without a showing, so tests can add answers directly.
    /// </summary>
    public static JsonObject Widget(Guid partner)
    {
        var definition = NpsSurvey(trigger: "event", touchpoints: new JsonArray("order", "email"));
        definition["eventName"] = "nps-widget";
        definition["partnerIds"] = new JsonArray(partner);
        return definition;
    }

    public async Task<JsonObject> DecideAsync(JsonObject request)
    {
        var response = await Storefront.PostAsJsonAsync("/api/surveys/decisions", request, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    public static JsonObject Decision(string visitor, string touchpoint = "order", string trigger = "post-purchase", Guid? partnerId = null, params string[] segments)
    {
        var request = new JsonObject { ["visitorId"] = visitor, ["touchpoint"] = touchpoint, ["trigger"] = trigger };
        if (partnerId is { } partner)
        {
            request["partnerId"] = partner;
        }

        if (segments.Length > 0)
        {
            request["segments"] = new JsonArray([.. segments.Select(segment => (JsonNode)segment)]);
        }

        return request;
    }

    /// <summary>Shows the survey to a fresh visitor and returns (visitor, impression id).</summary>
    public async Task<(string Visitor, Guid ImpressionId)> ShowAsync(Guid surveyId, Guid? partnerId = null, string touchpoint = "order", string trigger = "post-purchase")
    {
        var visitor = NewVisitor();
        var decision = await DecideAsync(Decision(visitor, touchpoint, trigger, partnerId));
        Assert.True(decision["show"]!.GetValue<bool>(), decision.ToJsonString());
        Assert.Equal(surveyId, decision["survey"]!["id"]!.GetValue<Guid>());
        return (visitor, decision["impressionId"]!.GetValue<Guid>());
    }

    public async Task<HttpResponseMessage> SubmitAsync(Guid impressionId, string visitor, JsonArray answers, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/surveys/responses")
        {
            Content = JsonContent.Create(new JsonObject { ["impressionId"] = impressionId, ["visitorId"] = visitor, ["answers"] = answers }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Storefront.SendAsync(request, Ct);
    }

    public static JsonArray Nps(int score, int? csat = null, string? text = null)
    {
        var answers = new JsonArray(new JsonObject { ["questionId"] = "nps", ["score"] = score });
        if (csat is { } value)
        {
            answers.Add(new JsonObject { ["questionId"] = "csat", ["score"] = value });
        }

        if (text is not null)
        {
            answers.Add(new JsonObject { ["questionId"] = "why", ["text"] = text });
        }

        return answers;
    }

    public void Dispose()
    {
        Admin.Dispose();
        Storefront.Dispose();
    }
}
