using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// Stands in for every service behind the gateway: one Kestrel on 127.0.0.1 with a port per service, answering each
/// request with what it received (service, method, path, query, headers, body length) as JSON. It validates nothing.
/// <c>?status=NNN</c> makes it answer that status with an empty body. Like the services, which serve no <c>OPTIONS</c>, it
/// answers <c>OPTIONS</c> with 405 and <see cref="AllowedMethods"/> in <c>Allow</c>.
/// </summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> Services =
    [
        ResourceNames.AttributionApi, ResourceNames.PromotionsApi, ResourceNames.CouponsApi,
        ResourceNames.SurveysApi, ResourceNames.AnalyticsApi, ResourceNames.PartnerPortalApi,
    ];

    public const string AllowedMethods = "GET, POST";

    private readonly Dictionary<int, string> _serviceByPort = [];
    private readonly Dictionary<string, string> _addressByService = new(StringComparer.Ordinal);
    private WebApplication? _app;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<EchoedRequest> Received { get; } = new();

    public string AddressOf(string service) => _addressByService[service];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // As the services read requests (AddWebApiDefaults).
            kestrel.Limits.MaxRequestLineSize = WebApiOptions.MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = WebApiOptions.MaxRequestHeadersBytes;
            foreach (var _ in Services)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });

        _app = builder.Build();
        _app.Run(EchoAsync);
        await _app.StartAsync();

        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        for (var i = 0; i < Services.Count; i++)
        {
            var address = new Uri(addresses[i]);
            _serviceByPort[address.Port] = Services[i];
            _addressByService[Services[i]] = address.GetLeftPart(UriPartial.Authority);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task EchoAsync(HttpContext context)
    {
        var bodyLength = 0L;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            bodyLength += read;
        }

        var echoed = new EchoedRequest(
            _serviceByPort.GetValueOrDefault(context.Connection.LocalPort, "unknown"),
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            bodyLength);
        Received.Enqueue(echoed);

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = AllowedMethods;
            return;
        }

        if (int.TryParse(context.Request.Query["status"], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            context.Response.StatusCode = status;
            return;
        }

        await context.Response.WriteAsJsonAsync(echoed);
    }
}
