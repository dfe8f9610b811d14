using Microsoft.AspNetCore.HttpOverrides;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

public static class AttributionClientExtensions
{
    /// <summary>
    /// A typed client for <c>http://attribution-api</c> (service discovery: <c>services__attribution-api__http__0</c>), as
    /// quick to give up as the analytics client: a page waits on it.
    /// </summary>
    public static WebApplicationBuilder AddAttributionClient(this WebApplicationBuilder builder)
    {
        if (!builder.Services.Any(service => service.ServiceType == typeof(ServiceTokenIssuer)))
        {
            builder.Services.AddServiceTokenIssuer(ServiceTokenIssuers.PartnerPortal);
        }

#pragma warning disable EXTEXP0001 // see AddAnalyticsClient
        builder.Services.AddHttpClient<AttributionClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.AttributionApi}"))
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            });
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>
    /// <see cref="TrackingLinks"/> and their options. Without a configured public base URL the request's host is the
    /// shop's, so the host the gateway forwards (<c>X-Forwarded-Host</c>) is believed like its <c>X-Forwarded-For</c>
    /// and <c>X-Forwarded-Proto</c>: from the gateway (a trusted proxy) only.
    /// </summary>
    public static WebApplicationBuilder AddTrackingLinks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrackingLinkOptions>().BindConfiguration(TrackingLinkOptions.SectionName)
            .Validate(TrackingLinkOptions.IsValid, TrackingLinkOptions.PublicBaseUrlRule).ValidateOnStart();
        builder.Services.PostConfigure<ForwardedHeadersOptions>(options => options.ForwardedHeaders |= ForwardedHeaders.XForwardedHost);
        builder.Services.AddSingleton<TrackingLinks>();
        return builder;
    }
}
