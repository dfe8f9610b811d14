using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// The <c>If-Match</c> of an edit to something versioned (a promotion, a product-page entry, a coupon campaign): its ETag is the latest
/// version as read, <c>"3"</c>, so an edit made from an older read is refused (412) instead of overwriting another's.
/// Read as RFC 9110 §13.1.1 has it: <c>*</c> matches any current version, a list matches when any of its tags does, and
/// a weak tag (<c>W/"3"</c>) never matches, because <c>If-Match</c> compares strongly; <c>*</c> inside a list is malformed (400).
/// </summary>
public static class VersionPrecondition
{
    /// <summary>
    /// The versions <paramref name="ifMatch"/> accepts: null when any version will do (no header, or <c>*</c>: the edit is
    /// made whatever was read), else the versions its strong tags name, which may be none (then every version fails
    /// with 412); or an error under <c>If-Match</c> in <paramref name="errors"/> when the header is neither <c>*</c> nor
    /// a list of entity tags.
    /// </summary>
    public static IReadOnlyList<int>? Read(string? ifMatch, string what, Dictionary<string, string[]> errors)
    {
        if (ifMatch is null)
        {
            return null;
        }

        // "*" stands alone (RFC 9110: "*" / #entity-tag): in a list it is malformed, not "any", which would drop the list's tags.
        if (!EntityTagHeaderValue.TryParseStrictList([ifMatch], out var tags) || tags.Count == 0
            || (tags.Count > 1 && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))))
        {
            errors["If-Match"] = [$"If-Match is the ETag of the {what} as read, e.g. \"3\" (or a list of them), or * alone."];
            return null;
        }

        if (tags[0].Equals(EntityTagHeaderValue.Any))
        {
            return null;
        }

        return [.. tags
            .Where(tag => !tag.IsWeak)
            .Select(tag => int.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0)
            .Where(version => version > 0)];
    }

    /// <summary>Whether the version an edit would replace is one <see cref="Read"/> accepts.</summary>
    public static bool Matches(IReadOnlyList<int>? expected, int current) => expected is null || expected.Contains(current);

    /// <summary>What <see cref="Read"/> asked for, for the 412's detail: <c>"not 7 or 1"</c>.</summary>
    public static string Describe(IReadOnlyList<int> expected) =>
        expected.Count == 0 ? "and If-Match named no version by a strong ETag" : $"not {string.Join(" or ", expected)}";
}
