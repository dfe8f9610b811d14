namespace PartnerMesh.Attribution.Api.Clicks;

public static class TrackingUrl
{
    /// <summary>
    /// Adds <paramref name="parameters"/> to the query of <paramref name="targetUrl"/>, keeping its other parameters
    /// exactly as written and its fragment; a parameter already present with one of the given names is replaced.
    /// </summary>
    public static string AppendParameters(string targetUrl, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var fragmentStart = targetUrl.IndexOf('#', StringComparison.Ordinal);
        var fragment = fragmentStart >= 0 ? targetUrl[fragmentStart..] : "";
        var beforeFragment = fragmentStart >= 0 ? targetUrl[..fragmentStart] : targetUrl;

        var queryStart = beforeFragment.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart >= 0 ? beforeFragment[..queryStart] : beforeFragment;
        var query = queryStart >= 0 ? beforeFragment[(queryStart + 1)..] : "";

        var added = parameters.ToList();
        var replaced = added.Select(parameter => parameter.Key).ToHashSet(StringComparer.Ordinal);
        var kept = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Where(segment => !replaced.Contains(NameOf(segment)));
        var appended = added.Select(parameter => $"{Uri.EscapeDataString(parameter.Key)}={Uri.EscapeDataString(parameter.Value)}");

        return $"{path}?{string.Join('&', kept.Concat(appended))}{fragment}";
    }

    private static string NameOf(string segment)
    {
        var separator = segment.IndexOf('=', StringComparison.Ordinal);
        var name = separator >= 0 ? segment[..separator] : segment;
        // Malformed escapes are left as they are (UnescapeDataString does not throw on them).
        return Uri.UnescapeDataString(name.Replace('+', ' '));
    }
}
