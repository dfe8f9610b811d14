using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.Gateway.Proxy;
using PartnerMesh.Gateway.RateLimiting;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.OpenApi;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var database = configuration.GetRequiredConnectionString(ResourceNames.GatewayDb);

        services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The gateway's body limit is configurable (Gateway:MaxRequestBodySize); AddWebApiDefaults applies it to Kestrel and the 413 check.
        // Any client may connect from loopback here, so only configured proxies (ForwardedHeaders:TrustedProxyNetworks,
        // e.g. a load balancer) may set the client address the rate limits key on.
        services.AddOptions<WebApiOptions>().Configure<IOptions<GatewayOptions>>((webApi, gateway) =>
        {
            webApi.MaxRequestBodyBytes = gateway.Value.MaxRequestBodySize;
            webApi.TrustLoopbackProxies = false;
            webApi.RejectNulInJsonBodies = false; // bodies pass through unread; each service checks its own
        });

        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContext<GatewayDbContext>(options => options.UsePartnerMeshNpgsql(database), optionsLifetime: ServiceLifetime.Singleton);
        services.AddMemoryCache();
        services.AddSingleton<GatewayMetrics>();

        services.AddSingleton<InMemoryWindowCounter>();
        services.AddSingleton<FixedWindowRateLimiter>();

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<FailedAuthenticationThrottle>();
        services.AddScoped<ApiKeyService>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthentication.Scheme, displayName: null, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.ApiKeyPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthentication.Scheme)
                .RequireAuthenticatedUser())
            .AddPolicy(ApiKeyAuthentication.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthentication.Scheme)
                .RequireClaim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin));
        services.Configure<PartnerMeshOpenApiOptions>(openApi =>
        {
            openApi.Policies[ApiKeyAuthentication.AdminPolicy] = OperationPolicies.Admin;
            openApi.CommonErrors.Add(StatusCodes.Status429TooManyRequests);
        });
        // After the shared conventions (AddWebApiDefaults registers them first), so the 429 they add gets its Retry-After.
        services.Configure<OpenApiOptions>("v1", openApi => openApi.AddOperationTransformer<RateLimitOpenApiHeaders>());

        services.AddServiceTokenIssuer(ServiceTokenIssuers.Gateway);
        services.AddSingleton<ServiceTokenCache>();
        services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes, GatewayRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms<GatewayTransformProvider>();

        // Rate limits fail open to per-instance counters without Redis: losing it degrades the gateway, never stops it.
        builder.AddRedisConnection(ResourceNames.Redis);
        services.AddHealthChecks().AddNpgSql(database);

        return builder;
    }
}
