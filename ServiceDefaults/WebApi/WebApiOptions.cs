namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>Settings behind <c>AddWebApiDefaults</c>; a host may configure them further (the gateway binds its own limit).</summary>
public sealed class WebApiOptions
{
    /// <summary>64 KiB: ample for every JSON command the services accept.</summary>
    public const long DefaultMaxRequestBodyBytes = 64 * 1024;

    /// <summary>The longest request line (method, path, query) the web server reads: 32 KiB (Kestrel's default is 8).</summary>
    public const int MaxRequestLineBytes = 32 * 1024;

    /// <summary>The largest set of request headers the web server reads: 64 KiB (Kestrel's default is 32).</summary>
    public const int MaxRequestHeadersBytes = 64 * 1024;

    /// <summary>1 MiB: for services that take batches (analytics' event ingestion).</summary>
    public const long BatchMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413 problem details.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Whether <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> from a loopback peer are believed. True for services,
    /// whose only caller on the host is the gateway (which replaces whatever a client sent); false for the gateway
    /// itself, where a loopback peer may be any client.
    /// </summary>
    public bool TrustLoopbackProxies { get; set; } = true;

    /// <summary>
    /// Further proxies whose forwarded headers are believed, as CIDR networks (configuration
    /// <c>ForwardedHeaders:TrustedProxyNetworks</c>), e.g. the load balancer in front of the gateway.
    /// </summary>
    public IList<string> TrustedProxyNetworks { get; } = [];

    /// <summary>
    /// Whether JSON request bodies are refused (400) when a string in them holds the NUL character (<c>\u0000</c>), which
    /// PostgreSQL cannot store, and query strings holding one (<c>%00</c>): true for services; false for the gateway,
    /// which passes requests on to the services unread.
    /// </summary>
    public bool RejectNulInJsonBodies { get; set; } = true;

    /// <summary>The title of every 413 for a body over a limit — the service's, the gateway-wide one or a route's.</summary>
    public const string TooLargeTitle = "Request body too large";

    /// <summary>The problem detail for a body above <paramref name="limit"/>, the same from every check.</summary>
    public static string TooLargeDetail(long limit) => $"Request bodies are limited to {limit} bytes.";

    /// <summary>The detail of a refused NUL or other control character (<see cref="ControlCharacterGuardStream"/>).</summary>
    public const string NulCharacterDetail =
        "Text cannot contain the NUL character (\\u0000) or another control character (U+0001–U+001F other than tab, line feed and carriage return; U+007F–U+009F).";

    /// <summary>The problem detail of a 400 for a request without the JSON body its operation takes.</summary>
    public const string MissingBodyDetail = "The request has no body; this operation takes a JSON body.";

    /// <summary>The problem detail of a 415 for a request body sent with a content coding (<c>Content-Encoding: gzip</c>).</summary>
    public const string ContentCodingDetail = "Request bodies are not accepted with a content coding (Content-Encoding): send the body uncompressed.";
}
