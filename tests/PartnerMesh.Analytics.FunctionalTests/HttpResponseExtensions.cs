using System.Net;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

internal static class HttpResponseExtensions
{
    public static async Task<T> ShouldBeOkAsync<T>(this Task<HttpResponseMessage> response) =>
        await (await response).ShouldBeAsync<T>(HttpStatusCode.OK);
}
