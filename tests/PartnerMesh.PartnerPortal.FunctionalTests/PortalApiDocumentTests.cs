using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The portal's OpenAPI document declares what its pass-through calls send: every member of the answer is declared by
/// the operation's 200 schema, and the members docs/portal.md promises are there.
/// </summary>
public class PortalApiDocumentTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/portal/api/profile", "/portal/api/profile", "$.email $.kind $.status $.commissionRate $.budget $.customerId $.createdAt $.programId")]
    [InlineData("/portal/api/kpis", "/portal/api/kpis", "$.days[].convertedClicks $.days[].ordersFromClicks $.days[].sales[].grossRevenue $.totals.convertedClicks $.totals.ordersFromClicks $.totals.sales[].grossRevenue")]
    [InlineData("/portal/api/commissions", "/portal/api/commissions", "$.items[].partnerId $.items[].rate $.items[].approvedAt")]
    [InlineData("/portal/api/links", "/portal/api/links", "$.items[].partnerId $.items[].trackingUrl")]
    [InlineData("/portal/api/codes", "/portal/api/codes", "$.items[].trackingUrl")]
    [InlineData("/portal/api/scorecard", "/portal/api/scorecard", "$.kpis.pageViews $.kpis.refunds $.kpis.sales[].grossRevenue $.kpis.sales[].partnerRevenue")]
    public async Task Answer_CarriesTheDocumentedMembers_AndNoUndeclaredOne(string call, string operation, string promised)
    {
        var partner = await factory.SignInNewPartnerAsync();
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct))!;

        var response = await partner.Browser.GetAsync(call);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = new SortedSet<string>(StringComparer.Ordinal);
        Sent(JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)), "$", sent);
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        Declared(document, document["paths"]![operation]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"], "$", declared, 0);
        Assert.Empty(sent.Except(declared));
        Assert.Empty(promised.Split(' ').Except(declared));
        Assert.Empty(promised.Split(' ').Except(sent));
    }

    private static void Sent(JsonNode? node, string path, ISet<string> members)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var (name, value) in json)
                {
                    members.Add($"{path}.{name}");
                    Sent(value, $"{path}.{name}", members);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Sent(item, path + "[]", members);
                }

                break;
        }
    }

    private static void Declared(JsonNode document, JsonNode? schema, string path, ISet<string> members, int depth)
    {
        if (schema is not JsonObject json || depth > 10)
        {
            return;
        }

        if (json["$ref"]?.GetValue<string>() is { } reference)
        {
            Declared(document, document["components"]!["schemas"]![reference.Split('/')[^1]], path, members, depth + 1);
            return;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            foreach (var alternative in json[combinator]?.AsArray() ?? [])
            {
                Declared(document, alternative, path, members, depth + 1);
            }
        }

        foreach (var (name, property) in json["properties"]?.AsObject() ?? [])
        {
            members.Add($"{path}.{name}");
            Declared(document, property, $"{path}.{name}", members, depth + 1);
        }

        Declared(document, json["items"], path + "[]", members, depth + 1);
    }
}
