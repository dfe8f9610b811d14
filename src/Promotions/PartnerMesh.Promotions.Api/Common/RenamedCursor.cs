namespace PartnerMesh.Promotions.Api.Common;

/// <summary>
/// The definitions and product-page content lists took their cursor as <c>cursor</c> before every list moved to the
/// shared <c>after</c>: <c>cursor</c> is still read when <c>after</c> is absent, so callers written then keep paging.
/// </summary>
public static class RenamedCursor
{
    public static string? AfterOrCursor(string? after, HttpRequest request) =>
        after ?? (request.Query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null);
}
