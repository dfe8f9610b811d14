namespace PartnerMesh.Gateway.Diagnostics;

internal static class ProblemResponses
{
    /// <summary>Writes an RFC 9457 problem with the given status through the app's problem details service.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string detail, Action<HttpResponse>? headers = null)
    {
        context.Response.StatusCode = status;
        headers?.Invoke(context.Response);
        var problemDetails = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}
