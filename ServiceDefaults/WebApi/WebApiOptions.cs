namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>Settings behind <c>AddWebApiDefaults</c>; a host may configure them further (the gateway binds its own limit).</summary>
public sealed class WebApiOptions
{
    /// <summary>64 KiB: ample for every JSON command the services accept.</summary>
    public const long DefaultMaxRequestBodyBytes = 64 * 1024;

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413 problem details.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>The problem detail for a body above <paramref name="limit"/>, the same from every check.</summary>
    public static string TooLargeDetail(long limit) => $"Request bodies are limited to {limit} bytes.";
}
