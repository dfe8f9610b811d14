using System.Collections.Frozen;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// The <c>charset</c> of a request body's <c>Content-Type</c>, checked before a body reader sees it. The runtime's JSON
/// reader hands the parameter's raw value to <see cref="Encoding.GetEncoding(string)"/>, so a quoted value — valid HTTP,
/// RFC 9110 §5.6.6: <c>charset="utf-8"</c> is <c>charset=utf-8</c> — and any charset the runtime does not know
/// (<c>bogus</c>, <c>utf-7</c>, an empty one) threw and answered 500.
/// </summary>
/// <remarks>On every request with a body, so cheap: a content type that names no charset (the common
/// <c>application/json</c>) is not parsed, and a charset is looked up by name in the runtime's encodings
/// (<see cref="Encoding.GetEncodings"/>: <c>utf-8</c>, <c>utf-16</c>, <c>utf-16BE</c>, <c>utf-32</c>, <c>utf-32BE</c>,
/// <c>us-ascii</c>, <c>iso-8859-1</c>, any case) rather than by a thrown and caught exception.</remarks>
public static class RequestCharset
{
    private static readonly FrozenSet<string> Known =
        Encoding.GetEncodings().Select(encoding => encoding.Name).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What to do with <paramref name="contentType"/>: <c>(null, null)</c> to read the body as it is (no charset, or an
    /// unquoted one the runtime knows, or a content type that does not parse — the readers refuse that with a 415 themselves);
    /// <c>(rewritten, null)</c> to read it with the quoted charset unquoted; <c>(null, charset)</c> when the charset
    /// cannot be read at all (a 415 naming it).
    /// </summary>
    public static (string? ContentType, string? UnsupportedCharset) Check(string? contentType)
    {
        if (contentType is null || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || mediaType.Parameters.FirstOrDefault(parameter => parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) is not { } charset)
        {
            return (null, null);
        }

        var name = HeaderUtilities.RemoveQuotes(charset.Value).ToString();
        if (!IsKnown(name))
        {
            return (null, name);
        }

        if (charset.Value.Equals(name, StringComparison.Ordinal))
        {
            return (null, null);
        }

        charset.Value = name;
        return (mediaType.ToString(), null);
    }

    /// <summary>The problem detail of the 415 for a charset no body reader here knows.</summary>
    public static string UnsupportedDetail(string charset) =>
        $"The request body's charset '{charset}' is not supported: send it in UTF-8 (application/json; charset=utf-8).";

    private static bool IsKnown(string name) => Known.Contains(name);
}
