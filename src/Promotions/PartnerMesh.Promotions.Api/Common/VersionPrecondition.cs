namespace PartnerMesh.Promotions.Api.Common;

/// <summary>
/// The <c>If-Match</c> of an edit to something versioned (a promotion, a product-page entry): its ETag is the latest
/// version as read, <c>"3"</c>, so an edit made from an older read is refused (412) instead of overwriting another's.
/// </summary>
public static class VersionPrecondition
{
    /// <summary>
    /// The version <paramref name="ifMatch"/> names (null when the header is absent: the edit is made whatever was read),
    /// or an error under <c>If-Match</c> in <paramref name="errors"/> when it names none.
    /// </summary>
    public static int? Read(string? ifMatch, string what, Dictionary<string, string[]> errors)
    {
        if (ifMatch is null)
        {
            return null;
        }

        if (int.TryParse(ifMatch.Trim().Trim('"'), out var version) && version > 0)
        {
            return version;
        }

        errors["If-Match"] = [$"If-Match is the ETag of the {what} as read, e.g. \"3\"."];
        return null;
    }
}
