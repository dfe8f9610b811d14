namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>Reads the click id that <c>/r/{code}</c> hands the shopper: <c>pm_click</c> in the Location query or cookie.</summary>
public static class ClickRedirect
{
    public const string ClickParameter = "pm_click";

    /// <summary>The <c>pm_click</c> query value of a Location header (absolute or relative), or null.</summary>
    public static string? ClickIdFromLocation(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }

        var fragmentStart = location.IndexOf('#', StringComparison.Ordinal);
        var withoutFragment = fragmentStart < 0 ? location : location[..fragmentStart];
        var queryStart = withoutFragment.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
        {
            return null;
        }

        var query = withoutFragment[(queryStart + 1)..];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            if (!string.Equals(name, ClickParameter, StringComparison.Ordinal))
            {
                continue;
            }

            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        return null;
    }

    /// <summary>The <c>pm_click</c> value among Set-Cookie header values, or null.</summary>
    public static string? ClickIdFromSetCookie(IEnumerable<string>? setCookieHeaders)
    {
        if (setCookieHeaders is null)
        {
            return null;
        }

        foreach (var header in setCookieHeaders)
        {
            var pair = header.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !string.Equals(pair[..equals].Trim(), ClickParameter, StringComparison.Ordinal))
            {
                continue;
            }

            var value = Decode(pair[(equals + 1)..].Trim().Trim('"'));
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
