using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.Testing;

/// <summary>
/// What a service's committed OpenAPI document (docs/api/) lists as <c>required</c> in a JSON request body is what the
/// service refuses to go without: every operation whose body schema has required members, sent <c>{}</c> by a caller
/// its policy admits, answers 400 naming each of them (<c>errors</c>). Path, query and header parameters get the
/// placeholders of <see cref="AuthorizationMatrix.BuildRequest"/>. Operations of the portal's session policy (a cookie,
/// no token) are left out, and so are those a service's own test checks because a placeholder path is refused first
/// (<c>checkedElsewhere</c>, by operation id).
/// </summary>
public static class RequiredRequestMembers
{
    /// <summary>The required members of the operation's JSON request body, from its schema in <paramref name="document"/>.</summary>
    public static IReadOnlyList<string> Of(JsonObject document, OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(operation);
        var schema = operation.Node["requestBody"]?["content"]?["application/json"]?["schema"];
        var reference = schema?["$ref"]?.GetValue<string>()
            ?? schema?["oneOf"]?.AsArray().Select(option => option?["$ref"]?.GetValue<string>()).FirstOrDefault(name => name is not null);
        if (reference is null)
        {
            return [];
        }

        var name = reference[(reference.LastIndexOf('/') + 1)..];
        return document["components"]?["schemas"]?[name]?["required"]?.AsArray().Select(member => member!.GetValue<string>()).ToList() ?? [];
    }

    public static async Task AssertRefusedAsync<TProgram, TDbContext>(
        ServiceFactory<TProgram, TDbContext> factory, CancellationToken cancellationToken, params string[] checkedElsewhere)
        where TProgram : class
        where TDbContext : Microsoft.EntityFrameworkCore.DbContext
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(checkedElsewhere);
        var tokens = factory.Tokens;
        var partnerId = Guid.NewGuid();
        using var admin = factory.CreateClientWithToken(tokens.For(ServiceDefaults.Security.PartnerMeshScopes.Admin));
        using var storefront = factory.CreateClientWithToken(tokens.For(ServiceDefaults.Security.PartnerMeshScopes.Storefront));
        using var partner = factory.CreateClientWithToken(tokens.Partner(partnerId));
        using var anonymous = factory.CreateAnonymousClient();
        var document = JsonNode.Parse(File.ReadAllText(OpenApiOperations.CommittedPath(tokens.Audience)))!.AsObject();
        var failures = new List<string>();
        var checkedOperations = 0;
        foreach (var operation in OpenApiOperations.Of(document))
        {
            var required = Of(document, operation);
            var client = operation.Policy switch
            {
                "anonymous" => anonymous,
                "storefront" => storefront,
                "admin" or "partner-or-admin" => admin,
                "partner" => partner,
                _ => null,
            };
            if (required.Count == 0 || client is null || checkedElsewhere.Contains(operation.OperationId, StringComparer.Ordinal))
            {
                continue;
            }

            checkedOperations++;
            using var request = AuthorizationMatrix.BuildRequest(operation, partnerId);
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var errors = response.StatusCode == HttpStatusCode.BadRequest && body.Length > 0
                ? JsonNode.Parse(body)?["errors"]?.AsObject().Select(error => error.Key).ToHashSet(StringComparer.Ordinal)
                : null;
            var unnamed = required.Where(member => errors?.Contains(member) != true).ToList();
            if (unnamed.Count > 0)
            {
                failures.Add($"{operation}: {{}} is {(int)response.StatusCode}, not a 400 naming {string.Join(", ", unnamed)} — {(body.Length <= 300 ? body : body[..300] + "…")}");
            }
        }

        var size = $"required request members {tokens.Audience}: {checkedOperations} operations, {failures.Count} failures";
        TestContext.Current.TestOutputHelper?.WriteLine(size);
        Assert.True(checkedOperations > 0, $"{tokens.Audience}: no operation declares a required request member.");
        Assert.True(failures.Count == 0, size + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }
}
