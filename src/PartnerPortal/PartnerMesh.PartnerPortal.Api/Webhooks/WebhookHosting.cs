using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

public static class WebhookHosting
{
    /// <summary>
    /// The dispatcher and its HTTP client: no retry handler (the dispatcher's own backoff decides), no redirects, and a
    /// connect step that refuses private addresses whatever DNS answered (a host that resolves to 169.254.169.254 or
    /// 10.x cannot be reached through a webhook), except the configured development hosts.
    /// </summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName);
        builder.Services.AddSingleton<WebhookDispatchSignal>();
        builder.Services.AddSingleton<WebhookInterest>();
        builder.Services.AddScoped<WebhookSubscriptions>();
        builder.Services.AddHostedService<WebhookDispatcher>();
#pragma warning disable EXTEXP0001 // evaluation API; the alternative is the defaults' retries multiplying the dispatcher's own
        builder.Services.AddHttpClient(WebhookDispatcher.ClientName)
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var insecureHosts = services.GetRequiredService<IOptions<WebhookOptions>>().Value.InsecureHosts.ToHashSet(StringComparer.OrdinalIgnoreCase);
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    ConnectCallback = async (context, cancellationToken) =>
                    {
                        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                        var allowed = insecureHosts.Contains(context.DnsEndPoint.Host)
                            ? addresses
                            : [.. addresses.Where(address => !WebhookRules.IsPrivate(address))];
                        if (allowed.Length == 0)
                        {
                            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address.");
                        }

                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
            });
        return builder;
    }
}
