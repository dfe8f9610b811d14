using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.StorefrontSimulator.Gateway;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

/// <summary>
/// In-memory stand-in for the gateway and the services behind it, following the contracts the simulator is written
/// against (keys, partners with cursor pages, links, /r/{code} redirects, idempotent conversions, daily KPIs, portal
/// accounts). Events become visible in the KPIs after <see cref="KpiDelay"/>.
/// </summary>
public sealed class FakeGateway : HttpMessageHandler
{
    public const string AdminKey = "pm_admin_secret";

    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal) { [AdminKey] = "admin" };
    private readonly ConcurrentDictionary<string, JsonObject> _partners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string PartnerId, string TargetUrl)> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _clicks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ConversionId, string? PartnerId)> _conversions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _portalAccounts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string PartnerId, bool IsOrder, decimal Amount, DateTimeOffset VisibleAt)> _events = new();
    private readonly ConcurrentDictionary<string, string> _keyIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _partnerCreatedAt = new(StringComparer.Ordinal);
    private int _throttleClicksRemaining;
    private int _sequence;

    public TimeSpan KpiDelay { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Answer replays with a new conversion id (a broken idempotency implementation).</summary>
    public bool BreakIdempotency { get; init; }

    /// <summary>How long after its creation the portal learns a partner (404 "unknown partner" before).</summary>
    public TimeSpan PortalLearnsPartnersAfter { get; init; } = TimeSpan.Zero;

    /// <summary>Answer <c>DELETE /api/gateway/keys/{id}</c> (405 otherwise).</summary>
    public bool SupportsRevoke { get; init; } = true;

    /// <summary>Refuse rateLimitPerMinute values above this with a 400.</summary>
    public int MaxRateLimit { get; init; } = int.MaxValue;

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>rateLimitPerMinute of every key created (null: the gateway's default).</summary>
    public ConcurrentQueue<int?> CreatedKeyLimits { get; } = new();

    public int PartnerCount => _partners.Count;

    public int ClickCount => _clicks.Count;

    public int ConversionCount => _conversions.Count;

    public int PortalAccountCount => _portalAccounts.Count;

    /// <summary>Scopes of the keys that are live (not revoked), the bootstrap admin key included.</summary>
    public IReadOnlyCollection<string> KeyScopes => _keys.Values.ToList();

    public int CreatedKeyCount => _keyIds.Count;

    public void ThrottleNextClicks(int count) => Interlocked.Exchange(ref _throttleClicksRemaining, count);

    public string AddPartner(string name)
    {
        var id = Guid.NewGuid().ToString();
        _partners[id] = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["email"] = $"{name}@example.com",
            ["kind"] = "affiliate",
            ["commissionRate"] = 0.1m,
            ["createdAt"] = DateTimeOffset.UtcNow,
        };
        _partnerCreatedAt[id] = DateTimeOffset.UtcNow;
        return id;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.Trim('/');
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        Requests.Enqueue($"{request.Method} {path}");
        await Task.Yield();

        if (request.Method == HttpMethod.Get && path.StartsWith("r/", StringComparison.Ordinal))
        {
            return Click(path[2..]);
        }

        var scope = request.Headers.TryGetValues(GatewayClient.ApiKeyHeader, out var keys) && _keys.TryGetValue(keys.Single(), out var s)
            ? s
            : null;
        if (scope is null)
        {
            return Problem(HttpStatusCode.Unauthorized);
        }

        var body = request.Content is null
            ? null
            : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))?.AsObject();
        var segments = path.Split('/');
        switch (request.Method.Method, segments)
        {
            case ("POST", ["api", "gateway", "keys"]) when scope == "admin":
                return CreateKey(body!);
            case ("DELETE", ["api", "gateway", "keys", _]) when !SupportsRevoke:
                return Problem(HttpStatusCode.MethodNotAllowed);
            case ("DELETE", ["api", "gateway", "keys", var keyId]) when scope == "admin":
                return _keyIds.TryGetValue(keyId, out var revoked) && _keys.TryRemove(revoked, out _)
                    ? new HttpResponseMessage(HttpStatusCode.NoContent)
                    : Problem(HttpStatusCode.NotFound);
            case ("GET", ["api", "attribution", "partners"]) when scope == "admin":
                return ListPartners(int.Parse(query["limit"] ?? "50", System.Globalization.CultureInfo.InvariantCulture), query["after"]);
            case ("POST", ["api", "attribution", "partners"]) when scope == "admin":
                var id = AddPartner(body!["name"]!.GetValue<string>());
                return Json(HttpStatusCode.Created, _partners[id]);
            case ("GET", ["api", "attribution", "partners", var partnerId, "links"]) when scope == "admin":
                return Json(HttpStatusCode.OK, new
                {
                    items = _links.Where(link => link.Value.PartnerId == partnerId)
                        .Select(link => new { id = link.Key, partnerId, code = link.Key, targetUrl = link.Value.TargetUrl }),
                });
            case ("POST", ["api", "attribution", "partners", var partnerId, "links"]) when scope == "admin":
                if (!_partners.ContainsKey(partnerId))
                {
                    return Problem(HttpStatusCode.NotFound);
                }

                var code = $"code{Interlocked.Increment(ref _sequence)}";
                var targetUrl = body!["targetUrl"]!.GetValue<string>();
                _links[code] = (partnerId, targetUrl);
                return Json(HttpStatusCode.Created, new { id = code, partnerId, code, targetUrl, trackingPath = $"/r/{code}" });
            case ("POST", ["api", "attribution", "conversions"]) when scope is "storefront" or "admin":
                return Convert(body!);
            case ("GET", ["api", "analytics", "partners", var partnerId, "daily"]) when scope == "admin":
                return Daily(partnerId);
            case ("POST", ["api", "portal", "accounts"]) when scope == "admin":
                var accountPartner = body!["partnerId"]!.GetValue<string>();
                if (!_partnerCreatedAt.TryGetValue(accountPartner, out var createdAt) || DateTimeOffset.UtcNow < createdAt + PortalLearnsPartnersAfter)
                {
                    return Problem(HttpStatusCode.NotFound);
                }

                return _portalAccounts.TryAdd(accountPartner, 0)
                    ? Json(HttpStatusCode.Created, new { id = Guid.NewGuid() })
                    : Problem(HttpStatusCode.Conflict);
            case (_, ["api", ..]):
                return Problem(HttpStatusCode.Forbidden);
            default:
                return Problem(HttpStatusCode.NotFound);
        }
    }

    private HttpResponseMessage CreateKey(JsonObject body)
    {
        var limit = body["rateLimitPerMinute"]?.GetValue<int>();
        if (limit > MaxRateLimit)
        {
            return Problem(HttpStatusCode.BadRequest);
        }

        CreatedKeyLimits.Enqueue(limit);
        var secret = $"pm_{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid():N}";
        var scope = body["scope"]!.GetValue<string>();
        var keyId = Guid.NewGuid().ToString();
        _keys[secret] = scope;
        _keyIds[keyId] = secret;
        return Json(HttpStatusCode.Created, new
        {
            id = keyId,
            name = body["name"]!.GetValue<string>(),
            scope,
            rateLimitPerMinute = limit ?? 600,
            createdAt = DateTimeOffset.UtcNow,
            apiKey = secret,
        });
    }

    private HttpResponseMessage ListPartners(int limit, string? after)
    {
        var ordered = _partners.Values.OrderBy(p => p["id"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        var page = ordered.Where(p => after is null || string.CompareOrdinal(p["id"]!.GetValue<string>(), after) > 0).Take(limit).ToList();
        var more = page.Count == limit && ordered.Count(p => after is null || string.CompareOrdinal(p["id"]!.GetValue<string>(), after) > 0) > limit;
        return Json(HttpStatusCode.OK, new { items = page, nextCursor = more ? page[^1]["id"]!.GetValue<string>() : null });
    }

    private HttpResponseMessage Click(string code)
    {
        if (Interlocked.Decrement(ref _throttleClicksRemaining) >= 0)
        {
            var throttled = Problem(HttpStatusCode.TooManyRequests);
            throttled.Headers.TryAddWithoutValidation("Retry-After", "1");
            return throttled;
        }

        if (!_links.TryGetValue(code, out var link))
        {
            return Problem(HttpStatusCode.NotFound);
        }

        var clickId = Guid.NewGuid().ToString();
        _clicks[clickId] = link.PartnerId;
        _events.Enqueue((link.PartnerId, false, 0m, DateTimeOffset.UtcNow + KpiDelay));
        var response = new HttpResponseMessage(HttpStatusCode.Found);
        response.Headers.Location = new Uri(link.TargetUrl + (link.TargetUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pm_click=" + clickId);
        response.Headers.TryAddWithoutValidation("Set-Cookie", $"pm_click={clickId}; Path=/; HttpOnly");
        return response;
    }

    private HttpResponseMessage Convert(JsonObject body)
    {
        var orderId = body["orderId"]!.GetValue<string>();
        var amount = body["amount"]!.GetValue<decimal>();
        if (amount <= 0 || body["currency"]?.GetValue<string>() != "EUR")
        {
            return Problem(HttpStatusCode.BadRequest);
        }

        var clickId = body["clickId"]?.GetValue<string>();
        var partnerId = clickId is not null && _clicks.TryGetValue(clickId, out var p) ? p : null;
        var created = false;
        var conversion = _conversions.GetOrAdd(orderId, _ =>
        {
            created = true;
            return (Guid.NewGuid().ToString(), partnerId);
        });
        if (created && partnerId is not null)
        {
            _events.Enqueue((partnerId, true, amount, DateTimeOffset.UtcNow + KpiDelay));
        }

        var conversionId = !created && BreakIdempotency ? Guid.NewGuid().ToString() : conversion.ConversionId;
        return Json(created ? HttpStatusCode.Created : HttpStatusCode.OK, new
        {
            conversionId,
            orderId,
            attributed = conversion.PartnerId is not null,
            partnerId = conversion.PartnerId,
            commissionAmount = conversion.PartnerId is null ? 0m : Commission(amount),
        });
    }

    private HttpResponseMessage Daily(string partnerId)
    {
        var now = DateTimeOffset.UtcNow;
        var visible = _events.Where(e => e.PartnerId == partnerId && e.VisibleAt <= now).ToList();
        if (visible.Count == 0)
        {
            return Problem(HttpStatusCode.NotFound);
        }

        // Analytics' shape: money per currency in "sales" (only EUR is accepted here), none when there were no orders.
        var clicks = visible.Count(e => !e.IsOrder);
        var orders = visible.Count(e => e.IsOrder);
        var revenue = visible.Sum(e => e.Amount);
        var sales = orders == 0
            ? []
            : new[] { new { currency = "EUR", orders, revenue, commission = visible.Sum(e => Commission(e.Amount)), averageOrderValue = Math.Round(revenue / orders, 2) } };
        var conversionRate = clicks == 0 ? 0m : Math.Round((decimal)orders / clicks, 4);
        return Json(HttpStatusCode.OK, new
        {
            partnerId,
            days = new[] { new { day = DateOnly.FromDateTime(now.UtcDateTime), clicks, orders, conversionRate, sales } },
            totals = new { clicks, orders, conversionRate, sales },
        });
    }

    private static decimal Commission(decimal amount) => Math.Round(amount * 0.1m, 2);

    private static HttpResponseMessage Json(HttpStatusCode status, object value) =>
        new(status) { Content = JsonContent.Create(value, value.GetType(), options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };

    private static HttpResponseMessage Problem(HttpStatusCode status) =>
        new(status) { Content = new StringContent($$"""{"status":{{(int)status}},"title":"{{status}}"}""", null, "application/problem+json") };
}
