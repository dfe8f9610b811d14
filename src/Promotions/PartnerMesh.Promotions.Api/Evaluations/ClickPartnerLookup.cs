using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// Whose traffic a click id is, asked of attribution (<c>GET /api/attribution/clicks/{id}</c>) when an evaluation names a
/// click but no partner and something live targets partners. Short timeout, no retries on the evaluation path: when
/// attribution cannot answer, the cart has no partner (logged) — partner-only promotions say <c>not_for_partner</c>, the
/// evaluation itself never fails. Only when the AppHost gave promotions a reference to attribution.
/// </summary>
public sealed class ClickPartnerLookup(
    HttpClient http, OutboundServiceTokens serviceTokens, ClickPartnerCache cache, IConfiguration configuration,
    IOptions<PromotionsOptions> options, ILogger<ClickPartnerLookup> logger)
{
    private sealed record ClickAnswer(Guid ClickId, Guid PartnerId);

    public bool IsConfigured => configuration[$"services:{ResourceNames.AttributionApi}:http:0"] is { Length: > 0 };

    public async Task<Guid?> PartnerOfAsync(Guid clickId, CancellationToken cancellationToken)
    {
        if (cache.TryGet(clickId, out var known))
        {
            return known;
        }

        if (!IsConfigured)
        {
            return null;
        }

        var timeoutAfter = options.Value.ClickLookupTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutAfter);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{ResourceNames.AttributionApi}/api/attribution/clicks/{clickId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", serviceTokens.For(ResourceNames.AttributionApi));
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                cache.RememberUnknown(clickId);
                return null;
            }

            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<ClickAnswer>(timeout.Token) is { } click)
            {
                cache.Remember(clickId, click.PartnerId);
                return click.PartnerId;
            }

            logger.LogWarning("Attribution answered {Status} for click {ClickId}", (int)response.StatusCode, clickId);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                          && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Attribution could not say whose click {ClickId} is in {Timeout}", clickId, timeoutAfter);
        }

        return null;
    }
}

/// <summary>
/// Click → partner answers, shared by every lookup. A click's partner never changes, so a known click is kept for an hour
/// after its last use; an unknown id for a minute only (a click a storefront registers server to server may be on record
/// a moment later). Bounded: made-up click ids cannot grow it past <see cref="MaxEntries"/>.
/// </summary>
public sealed class ClickPartnerCache : IDisposable
{
    public const int MaxEntries = 100_000;
    private static readonly TimeSpan KnownFor = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries, CompactionPercentage = 0.2 });

    public bool TryGet(Guid clickId, out Guid? partnerId) => _cache.TryGetValue(clickId, out partnerId);

    public void Remember(Guid clickId, Guid partnerId) =>
        _cache.Set<Guid?>(clickId, partnerId, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = KnownFor });

    public void RememberUnknown(Guid clickId) =>
        _cache.Set<Guid?>(clickId, null, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = UnknownFor });

    public void Dispose() => _cache.Dispose();
}
