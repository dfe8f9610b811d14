using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// The portal against real Postgres and RabbitMQ, with analytics-api, surveys-api and attribution-api replaced by
/// <see cref="FakeAnalytics"/>, <see cref="FakeSurveys"/> and <see cref="FakeAttribution"/>.
/// </summary>
public class PortalApiFactory : ServiceFactory<Program, PortalDbContext>
{
    public FakeAnalytics Analytics { get; } = new();

    public FakeSurveys Surveys { get; } = new();

    public FakeAttribution Attribution { get; } = new();

    /// <summary>The secret that encrypts the key ring in portaldb (<c>PartnerPortal:DataProtectionKey</c>).</summary>
    public string DataProtectionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override string DatabaseResourceName => ResourceNames.PortalDb;

    protected override string ServiceName => ResourceNames.PartnerPortalApi;

    public override async ValueTask InitializeAsync()
    {
        await Analytics.StartAsync();
        await Surveys.StartAsync();
        await Attribution.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings[$"services:{ResourceNames.AnalyticsApi}:http:0"] = AnalyticsAddress().ToString();
        settings[$"services:{ResourceNames.SurveysApi}:http:0"] = SurveysAddress().ToString();
        settings[$"services:{ResourceNames.AttributionApi}:http:0"] = AttributionAddress().ToString();
        settings["PartnerPortal:DataProtectionKey"] = DataProtectionKey;
        // Webhook receivers in tests listen on loopback over http; retries come quickly.
        settings["Webhooks:InsecureHosts:0"] = "127.0.0.1";
        settings["Webhooks:FirstRetryDelay"] = "00:00:00.200";
        settings["Webhooks:PollInterval"] = "00:00:00.200";
        settings["Webhooks:MaxAttempts"] = "3";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, GatewayPeer>();
            // Identity's 100,000 PBKDF2 rounds per hash were a twentieth of the test run's CPU; the hash format and
            // every code path stay the same with fewer rounds (the end-to-end tests run the production count).
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1_000);
        });
    }

    /// <summary>Where the portal finds analytics-api.</summary>
    protected virtual Uri AnalyticsAddress() => Analytics.BaseAddress;

    /// <summary>Where the portal finds surveys-api.</summary>
    protected virtual Uri SurveysAddress() => Surveys.BaseAddress;

    /// <summary>Where the portal finds attribution-api.</summary>
    protected virtual Uri AttributionAddress() => Attribution.BaseAddress;

    /// <summary>Publishes <c>PartnerRegistered</c> as attribution would and waits until the portal knows the partner.</summary>
    public async Task<Guid> RegisterPartnerAsync(string name = "Acme Deals")
    {
        var partnerId = Guid.NewGuid();
        await PublishAsync(TestEvents.PartnerRegistered(partnerId, name));
        await Eventually.UntilAsync(() => QueryDbAsync(db => db.Partners.AnyAsync(partner => partner.Id == partnerId)));
        return partnerId;
    }

    /// <summary>
    /// Requests come from loopback, like the gateway's on one host (the test server leaves the peer empty), so the portal
    /// believes their <c>X-Forwarded-For</c>; a client made with <see cref="CreateClientFrom"/> has another peer.
    /// </summary>
    private sealed class GatewayPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A cookie-keeping client whose requests reach the portal from <paramref name="peer"/> directly, not through the gateway.</summary>
    public HttpClient CreateClientFrom(IPAddress peer) =>
        new(new CookieContainerHandler { InnerHandler = Server.CreateHandler(context => context.Connection.RemoteIpAddress = peer) })
        {
            BaseAddress = Server.BaseAddress,
        };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Analytics.DisposeAsync();
        await Surveys.DisposeAsync();
        await Attribution.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
