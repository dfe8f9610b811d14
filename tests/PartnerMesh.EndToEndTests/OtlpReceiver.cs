using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PartnerMesh.Testing;

namespace PartnerMesh.EndToEndTests;

/// <summary>
/// A stand-in OTLP/HTTP collector: the services export here (each tagged with an <c>x-partnermesh-resource</c>
/// header), so a test can see that every service sends traces, metrics and logs. Payloads are counted, not decoded.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string ResourceHeader = "x-partnermesh-resource";
    private readonly ConcurrentDictionary<(string Resource, string Signal), int> _exports = new();
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var port = await ContainerPorts.ForAsync(ContainerPorts.EndToEndOtlp);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app) { Endpoint = new Uri($"http://127.0.0.1:{port}") };
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            var resource = context.Request.Headers[ResourceHeader].ToString();
            receiver._exports.AddOrUpdate((resource, signal), 1, (_, count) => count + 1);
            return Results.Bytes([], "application/x-protobuf"); // an empty Export*ServiceResponse
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    /// <summary>The signals (<c>traces</c>, <c>metrics</c>, <c>logs</c>) <paramref name="resource"/> has exported so far.</summary>
    public IReadOnlySet<string> SignalsFrom(string resource) =>
        _exports.Keys.Where(key => key.Resource == resource).Select(key => key.Signal).ToHashSet();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
