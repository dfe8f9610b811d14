namespace PartnerMesh.Gateway.FunctionalTests;

internal static class ResponseHeaders
{
    /// <summary>The single value of a response or content header, or <c>null</c> when absent.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single()
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.Single()
        : null;
}
