using System.Globalization;
using System.Net.Http.Headers;

namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>How long a 429 asks the caller to wait: <c>Retry-After</c> (seconds or HTTP date), else <c>RateLimit-Reset</c>.</summary>
public static class RetryAfter
{
    public static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    public static TimeSpan GetDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        TimeSpan? delay = headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => ResetSeconds(headers),
        };

        if (delay is not { } value)
        {
            return Fallback;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > Longest ? Longest : value;
    }

    private static TimeSpan? ResetSeconds(HttpResponseHeaders headers)
    {
        foreach (var name in (string[])["RateLimit-Reset", "X-RateLimit-Reset"])
        {
            if (headers.TryGetValues(name, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && seconds >= 0
                && seconds < 86_400) // larger values are epoch timestamps, not a delay
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }
}
