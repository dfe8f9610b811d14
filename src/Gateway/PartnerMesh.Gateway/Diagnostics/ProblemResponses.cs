using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.Diagnostics;

internal static class ProblemResponses
{
    /// <summary>
    /// Writes an RFC 9457 problem with the given status through the app's problem details service; a 413 has the title
    /// every body limit gives (<see cref="WebApiOptions.TooLargeTitle"/>), not the status's reason phrase.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, string detail, Action<HttpResponse>? headers = null)
    {
        context.Response.StatusCode = status;
        headers?.Invoke(context.Response);
        var problemDetails = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status413PayloadTooLarge ? WebApiOptions.TooLargeTitle : null,
                Detail = detail,
            },
        });
    }
}
