using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Surveys.Api.Common;

/// <summary>
/// The shared cursor paging (<see cref="Paging"/>), which also accepts a plain id as the cursor: the surveys lists paged
/// by raw ids before they adopted the opaque cursors of the other services, and callers may still hold one.
/// </summary>
public static class SurveyPaging
{
    public static Dictionary<string, string[]>? Validate(int? limit, string? cursor, out int take, out Guid? afterId, string cursorName = "after")
    {
        var legacyId = Guid.TryParse(cursor, out var id) ? id : (Guid?)null;
        var errors = Paging.Validate(limit, legacyId is null ? cursor : null, out take, out afterId);
        if (cursorName != "after" && errors?.Remove("after") == true)
        {
            errors[cursorName] = [$"{cursorName} is not a cursor returned by this API."];
        }

        afterId ??= legacyId;
        return errors;
    }
}
