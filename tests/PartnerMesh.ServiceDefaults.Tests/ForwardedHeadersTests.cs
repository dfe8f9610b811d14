using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PartnerMesh.ServiceDefaults.WebApi;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>
/// Forwarded client address and scheme are believed from trusted proxies only: loopback (the gateway) for services,
/// configured networks for the gateway. Real Kestrel hosts; the peer address of a request is set by a test middleware
/// (<c>X-Test-Peer</c>) because every test connection comes from loopback.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Shopper = "203.0.113.7";
    private const string LoadBalancer = "198.51.100.20";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_BehindLoopbackGateway_SeesShopperAddressAndHttps()
    {
        await using var host = await StartAsync();

        var seen = await WhoAmIAsync(host, peer: null);

        Assert.Equal(new Peer(Shopper, "https"), seen);
    }

    [Fact]
    public async Task Service_FromUntrustedPeer_IgnoresForwardedHeaders()
    {
        await using var host = await StartAsync();

        var seen = await WhoAmIAsync(host, peer: LoadBalancer);

        Assert.Equal(new Peer(LoadBalancer, "http"), seen);
    }

    [Fact]
    public async Task Gateway_FromLoopbackClient_IgnoresForwardedHeaders()
    {
        await using var host = await StartAsync(options => options.TrustLoopbackProxies = false);

        var seen = await WhoAmIAsync(host, peer: null);

        Assert.Equal(new Peer("127.0.0.1", "http"), seen);
    }

    [Fact]
    public async Task Gateway_BehindConfiguredLoadBalancer_SeesShopperAddressAndHttps()
    {
        await using var host = await StartAsync(
            options => options.TrustLoopbackProxies = false,
            ("ForwardedHeaders:TrustedProxyNetworks:0", "198.51.100.0/24"));

        var seen = await WhoAmIAsync(host, peer: LoadBalancer);

        Assert.Equal(new Peer(Shopper, "https"), seen);
    }

    [Fact]
    public async Task MalformedTrustedNetwork_FailsAtStartup()
    {
        await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await using var host = await StartAsync(configure: null, ("ForwardedHeaders:TrustedProxyNetworks:0", "not-a-network"));
        });
    }

    private static async Task<Peer> WhoAmIAsync(WebApplication host, string? peer)
    {
        using var client = new HttpClient { BaseAddress = new Uri(host.Urls.Single()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add("X-Forwarded-For", Shopper);
        request.Headers.Add("X-Forwarded-Proto", "https");
        if (peer is not null)
        {
            request.Headers.Add("X-Test-Peer", peer);
        }

        var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Peer>(Ct))!;
    }

    private static async Task<WebApplication> StartAsync(Action<WebApiOptions>? configure = null, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddBasicServiceDefaults();
        builder.AddWebApiDefaults();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Test-Peer", out var peer))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
            }

            return next(context);
        });
        try
        {
            app.UseWebApiDefaults();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        app.MapGet("/whoami", (HttpContext context) => new Peer(context.Connection.RemoteIpAddress!.ToString(), context.Request.Scheme));
        await app.StartAsync(Ct);
        return app;
    }

    private sealed record Peer(string Address, string Scheme);
}
