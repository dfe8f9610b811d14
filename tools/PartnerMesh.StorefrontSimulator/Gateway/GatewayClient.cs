using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>
/// Plain HttpClient calls to the gateway: JSON with <c>X-Api-Key</c>, referral clicks without following redirects, and
/// 429 handling (wait for Retry-After, shared per rate-limit bucket, then try again).
/// </summary>
public sealed class GatewayClient(HttpClient http, TimeProvider time)
{
    public const string ApiKeyHeader = "X-Api-Key";
    /// <summary>Attribution's visitor cookie: a returning shopper sends back the id it was given (32 hex digits).</summary>
    public const string VisitorCookie = "pm_vid";

    /// <summary>Attempts of one call that may end in 429 before the call gives up.</summary>
    public const int MaxThrottledAttempts = 20;

    private const string AnonymousBucket = "anonymous";

    /// <summary>Shortest wait after a 429, so that "Retry-After: 0" does not turn into a busy loop.</summary>
    private static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(100);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private readonly ConcurrentDictionary<string, ThrottleGate> _gates = new(StringComparer.Ordinal);
    private long _throttledResponses;

    /// <summary>429 answers seen so far (each was waited out and retried).</summary>
    public long ThrottledResponses => Interlocked.Read(ref _throttledResponses);

    /// <summary>An HttpClient suited to the simulator: no redirects, no cookie container, many connections.</summary>
    public static HttpClient CreateHttpClient(Uri gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = 512,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri(gateway.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Task<GatewayResult<T>> GetAsync<T>(string path, string apiKey, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, apiKey, body: null, cancellationToken);

    public Task<GatewayResult<T>> PostAsync<T>(string path, string apiKey, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Post, path, apiKey, body, cancellationToken);

    public async Task<GatewayResult<T>> SendAsync<T>(
        HttpMethod method, string path, string apiKey, object? body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        var outcome = await SendWithThrottlingAsync(
            apiKey,
            () =>
            {
                var request = new HttpRequestMessage(method, RelativePath(path));
                request.Headers.Add(ApiKeyHeader, apiKey);
                if (body is not null)
                {
                    // Serialized up front so the request has a Content-Length (JsonContent streams it chunked).
                    request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json))
                    {
                        Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
                    };
                }

                return request;
            },
            cancellationToken);

        if (outcome.Response is not { } response)
        {
            return new GatewayResult<T>(0, default, string.Empty, outcome.Error, outcome.Sent, outcome.Received, outcome.Throttled);
        }

        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                return new GatewayResult<T>(response.StatusCode, default, string.Empty, $"reading the answer failed: {exception.Message}",
                    outcome.Sent, Stopwatch.GetTimestamp(), outcome.Throttled);
            }

            var received = Stopwatch.GetTimestamp();
            if (!response.IsSuccessStatusCode || typeof(T) == typeof(string) || text.Length == 0)
            {
                var value = typeof(T) == typeof(string) ? (T)(object)text : default;
                return new GatewayResult<T>(response.StatusCode, value, text, null, outcome.Sent, received, outcome.Throttled);
            }

            try
            {
                var value = JsonSerializer.Deserialize<T>(text, Json);
                return new GatewayResult<T>(response.StatusCode, value, text, null, outcome.Sent, received, outcome.Throttled);
            }
            catch (JsonException exception)
            {
                return new GatewayResult<T>(response.StatusCode, default, text,
                    $"{(int)response.StatusCode} with a body that is not the expected {typeof(T).Name}: {exception.Message}",
                    outcome.Sent, received, outcome.Throttled);
            }
        }
    }

    /// <summary>
    /// A shopper following <c>/r/{code}</c>: anonymous, the redirect is not followed; the click id is read from the
    /// Location's <c>pm_click</c> (or the <c>pm_click</c> cookie).
    /// </summary>
    public async Task<ClickResult> FollowLinkAsync(
        string code, IReadOnlyList<KeyValuePair<string, string>> query, ShopperContext shopper, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(shopper);
        var path = "r/" + Uri.EscapeDataString(code) + (query.Count == 0
            ? string.Empty
            : "?" + string.Join('&', query.Select(pair => Uri.EscapeDataString(pair.Key) + "=" + Uri.EscapeDataString(pair.Value))));

        var outcome = await SendWithThrottlingAsync(
            AnonymousBucket,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation("User-Agent", shopper.UserAgent);
                request.Headers.TryAddWithoutValidation("Cookie", $"{VisitorCookie}={shopper.VisitorId}");
                if (shopper.Referrer is not null)
                {
                    request.Headers.TryAddWithoutValidation("Referer", shopper.Referrer);
                }

                return request;
            },
            cancellationToken);

        if (outcome.Response is not { } response)
        {
            return new ClickResult(0, null, null, outcome.Error, outcome.Sent, outcome.Received, outcome.Throttled);
        }

        using (response)
        {
            var received = Stopwatch.GetTimestamp();
            var location = response.Headers.Location?.OriginalString;
            var status = (int)response.StatusCode;
            if (status is < 300 or > 399)
            {
                var body = await SafeReadAsync(response, cancellationToken);
                return new ClickResult(response.StatusCode, null, location, $"{status} {response.StatusCode} instead of a redirect: {body}",
                    outcome.Sent, received, outcome.Throttled);
            }

            var clickId = ClickRedirect.ClickIdFromLocation(location)
                ?? ClickRedirect.ClickIdFromSetCookie(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : null);
            var error = clickId is null ? $"{status} redirect without a {ClickRedirect.ClickParameter} (Location: {location ?? "none"})" : null;
            return new ClickResult(response.StatusCode, clickId, location, error, outcome.Sent, received, outcome.Throttled);
        }
    }

    private static string RelativePath(string path) => path.TrimStart('/');

    private static async Task<string> SafeReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private async Task<SendOutcome> SendWithThrottlingAsync(
        string bucket, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(bucket, _ => new ThrottleGate(time));
        var throttled = 0;
        while (true)
        {
            await gate.WaitAsync(cancellationToken);
            using var request = createRequest();
            var sent = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                var reason = exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message;
                return new SendOutcome(null, $"no answer: {reason}", sent, Stopwatch.GetTimestamp(), throttled);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new SendOutcome(null, $"no answer within {http.Timeout.TotalSeconds:0} s", sent, Stopwatch.GetTimestamp(), throttled);
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return new SendOutcome(response, null, sent, Stopwatch.GetTimestamp(), throttled);
            }

            throttled++;
            Interlocked.Increment(ref _throttledResponses);
            var delay = RetryAfter.GetDelay(response.Headers, time.GetUtcNow());
            response.Dispose();
            if (throttled >= MaxThrottledAttempts)
            {
                return new SendOutcome(null, $"still 429 after {throttled} attempts", sent, Stopwatch.GetTimestamp(), throttled);
            }

            gate.PauseFor(delay < MinimumPause ? MinimumPause : delay);
        }
    }

    private sealed record SendOutcome(HttpResponseMessage? Response, string? Error, long Sent, long Received, int Throttled);
}
