namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>Open-redirect protection: shoppers are only ever sent to hosts the merchant allows.</summary>
public static class RedirectRules
{
    /// <summary>The query parameter a link may carry to deep-link to another page of the merchant's site.</summary>
    public const string DeepLinkParameter = "url";

    /// <summary>
    /// Whether <paramref name="url"/> is an absolute http(s) URL, without credentials, on an allowed host: an exact entry,
    /// or a subdomain of a <c>*.example.com</c> entry. An empty list allows only <paramref name="sameHostAs"/>'s host.
    /// </summary>
    public static bool IsAllowed(string? url, IReadOnlyCollection<string> allowedHosts, string? sameHostAs = null)
    {
        if (!Links.LinkRules.IsValidTargetUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (allowedHosts.Count == 0)
        {
            return sameHostAs is not null && Uri.TryCreate(sameHostAs, UriKind.Absolute, out var same)
                && string.Equals(same.IdnHost.TrimEnd('.'), host, StringComparison.OrdinalIgnoreCase);
        }

        return allowedHosts.Any(allowed => HostMatches(host, allowed));
    }

    public static bool HostMatches(string host, string allowed)
    {
        allowed = allowed.Trim().TrimEnd('.').ToLowerInvariant();
        return allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.Ordinal) && host.Length > allowed.Length - 1
            : host == allowed;
    }

    /// <summary>A host entry: a DNS name (letters, digits, '-', '.'), optionally prefixed with <c>*.</c>.</summary>
    public static bool IsValidHostEntry(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || entry.Length > 253)
        {
            return false;
        }

        var name = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
        return name.Length > 0 && Uri.CheckHostName(name) == UriHostNameType.Dns && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
    }
}
