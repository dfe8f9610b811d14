using System.Net;
using System.Text.Json;
using PartnerMesh.StorefrontSimulator.Gateway;

namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>Admin calls that prepare a run: API keys, partners, referral links, portal accounts.</summary>
public sealed class GatewaySetup(GatewayClient client, string adminKey, TimeProvider time, TextWriter log)
{
    public const string KeysPath = "api/gateway/keys";
    public const string PartnersPath = "api/attribution/partners";
    public const string PortalAccountsPath = "api/portal/accounts";

    private const int MaxPartnerPages = 200;

    /// <summary>
    /// Creates an API key (the answer holds its id and, once, its secret). When the gateway refuses the requested rate limit (400/422), lower
    /// limits are tried, then the gateway's default limit.
    /// </summary>
    public async Task<ApiKeyResponse> CreateApiKeyAsync(string name, string scope, int rateLimitPerMinute, CancellationToken cancellationToken)
    {
        int?[] limits = [rateLimitPerMinute, .. new int?[] { 100_000, 10_000 }.Where(limit => limit < rateLimitPerMinute), null];
        GatewayResult<ApiKeyResponse>? result = null;
        foreach (var limit in limits)
        {
            result = await client.PostAsync<ApiKeyResponse>(KeysPath, adminKey, new CreateApiKeyRequest(name, scope, limit), cancellationToken);
            if (result.Status is not (HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity) || limit is null)
            {
                break;
            }

            await log.WriteLineAsync($"the gateway refused rateLimitPerMinute={limit} for key '{name}' ({result.Describe()})"
                + (limit == limits[^2] ? "; using its default limit" : "; trying a lower one"));
        }

        if (result is not { IsSuccess: true, Value: { ApiKey.Length: > 0 } created })
        {
            throw new SetupException($"creating the {scope} API key '{name}' failed: {(result is null ? "no attempt" : Explain(result))}");
        }

        return created;
    }

    /// <summary>
    /// Revokes a key the run created (<c>DELETE /api/gateway/keys/{id}</c>), so runs leave no live keys behind. Best
    /// effort: a failure is logged, not thrown.
    /// </summary>
    public async Task RevokeApiKeyAsync(ApiKeyResponse key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        string? problem;
        try
        {
            var result = await client.SendAsync<string>(
                HttpMethod.Delete, $"{KeysPath}/{Uri.EscapeDataString(key.Id)}", adminKey, body: null, timeout.Token);
            problem = result.IsSuccess ? null : result.Describe();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = "no answer within 5 s";
        }

        if (problem is not null)
        {
            await log.WriteLineAsync($"warning: could not revoke the API key '{key.Name}' ({key.Id}): {problem}");
        }
    }

    /// <summary>Every partner whose name starts with <paramref name="namePrefix"/>, following the cursor pages.</summary>
    public async Task<IReadOnlyList<PartnerResponse>> ListPartnersAsync(string namePrefix, CancellationToken cancellationToken)
    {
        var found = new List<PartnerResponse>();
        string? cursor = null;
        for (var page = 0; page < MaxPartnerPages; page++)
        {
            var path = $"{PartnersPath}?limit=50" + (cursor is null ? string.Empty : "&after=" + Uri.EscapeDataString(cursor));
            var result = await client.GetAsync<PartnerPage>(path, adminKey, cancellationToken);
            if (!result.IsSuccess || result.Value is null)
            {
                throw new SetupException($"listing partners failed: {Explain(result)}");
            }

            found.AddRange((result.Value.Items ?? []).Where(partner =>
                partner.Name is { } name && name.StartsWith(namePrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(partner.Id)));
            cursor = result.Value.NextCursor;
            if (string.IsNullOrEmpty(cursor) || (result.Value.Items ?? []).Count == 0)
            {
                break;
            }
        }

        return found;
    }

    public async Task<PartnerResponse> CreatePartnerAsync(
        string name, string email, string kind, decimal commissionRate, CancellationToken cancellationToken)
    {
        var result = await client.PostAsync<PartnerResponse>(
            PartnersPath, adminKey, new CreatePartnerRequest(name, email, kind, commissionRate), cancellationToken);
        if (!result.IsSuccess || string.IsNullOrEmpty(result.Value?.Id))
        {
            throw new SetupException($"creating partner '{name}' failed: {Explain(result)}");
        }

        return result.Value;
    }

    /// <summary>
    /// The partner's first referral link that is not deactivated, or null. Accepts a JSON array or a page object with
    /// <c>items</c>.
    /// </summary>
    public async Task<LinkResponse?> FirstLinkAsync(string partnerId, CancellationToken cancellationToken)
    {
        var result = await client.GetAsync<JsonElement>(LinksPath(partnerId), adminKey, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new SetupException($"listing the links of partner {partnerId} failed: {Explain(result)}");
        }

        var links = result.Value.ValueKind switch
        {
            JsonValueKind.Array => result.Value,
            JsonValueKind.Object when result.Value.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array => items,
            _ => default,
        };
        if (links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return links.EnumerateArray()
            .Select(link => link.Deserialize<LinkResponse>(GatewayClient.Json))
            .FirstOrDefault(link => !string.IsNullOrEmpty(link?.Code) && link.Active != false);
    }

    public async Task<LinkResponse> CreateLinkAsync(string partnerId, string targetUrl, CancellationToken cancellationToken)
    {
        var result = await client.PostAsync<LinkResponse>(
            LinksPath(partnerId), adminKey, new CreateLinkRequest(targetUrl, Code: null), cancellationToken);
        if (!result.IsSuccess || string.IsNullOrEmpty(result.Value?.Code))
        {
            throw new SetupException($"creating a link for partner {partnerId} failed: {Explain(result)}");
        }

        return result.Value;
    }

    /// <summary>
    /// Creates a portal account unless one exists (409). The portal learns partners from <c>PartnerRegistered</c>, so a
    /// brand-new partner may be unknown to it for a moment: 404/422 are retried every second until
    /// <paramref name="retryUntil"/> (at least one attempt is made).
    /// </summary>
    public async Task<(PortalAccountOutcome Outcome, string? Detail)> EnsurePortalAccountAsync(
        string partnerId, string email, string password, DateTimeOffset retryUntil, CancellationToken cancellationToken)
    {
        var request = new CreatePortalAccountRequest(partnerId, email, password);
        while (true)
        {
            var result = await client.PostAsync<string>(PortalAccountsPath, adminKey, request, cancellationToken);
            if (result.IsSuccess)
            {
                return (PortalAccountOutcome.Created, null);
            }

            if (result.Status == HttpStatusCode.Conflict)
            {
                return (PortalAccountOutcome.AlreadyExists, null);
            }

            if (result.Status is not (HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity) || time.GetUtcNow() >= retryUntil)
            {
                return (PortalAccountOutcome.Failed, result.Describe());
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    public static string LinksPath(string partnerId) => $"{PartnersPath}/{Uri.EscapeDataString(partnerId)}/links";

    private static string Explain<T>(GatewayResult<T> result) => result.Status switch
    {
        HttpStatusCode.Unauthorized => "401: the gateway does not accept this API key (pass an admin key with --api-key or PARTNERMESH_ADMIN_KEY)",
        HttpStatusCode.Forbidden => "403: this API key lacks the admin scope",
        _ => result.Describe(),
    };
}
