namespace PartnerMesh.AppHost.Hosting.Dashboard;

/// <summary>
/// Accepts OTLP/HTTP exports (<c>POST /v1/traces|metrics|logs</c>) and counts requests and bytes per resource, named by
/// the <c>x-partnermesh-resource</c> header the AppHost puts in each service's <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
/// The payload itself is not kept (a full telemetry view is a later dashboard).
/// </summary>
internal static class OtlpReceiver
{
    public static async Task<IResult> ReceiveAsync(HttpContext context, ResourceRegistry registry, string signal, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long bytes = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            bytes += read;
        }

        var resource = context.Request.Headers[ProjectResource.OtlpResourceHeader].ToString();
        registry.CountTelemetry(resource.Length > 0 ? resource : "unknown", signal, bytes);

        // An empty Export*ServiceResponse is a zero-length message in protobuf, "{}" in JSON.
        return context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
            ? Results.Content("{}", "application/json")
            : Results.Bytes([], "application/x-protobuf");
    }
}
