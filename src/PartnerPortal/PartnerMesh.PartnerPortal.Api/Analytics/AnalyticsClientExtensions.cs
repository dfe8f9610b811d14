using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

public static class AnalyticsClientExtensions
{
    /// <summary>
    /// A typed client for <c>http://analytics-api</c> (service discovery: <c>services__analytics-api__http__0</c>). A page
    /// waits on it, so it gives up sooner than the ServiceDefaults pipeline: two quick retries, 3 s per attempt, 8 s in all.
    /// </summary>
    public static WebApplicationBuilder AddAnalyticsClient(this WebApplicationBuilder builder)
    {
        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to replace the pipeline that
        // ConfigureHttpClientDefaults added (stacking a second standard handler would nest two retry loops).
        // The portal signs the partner-scoped tokens it calls analytics with (its own key; it may grant nothing else).
        builder.Services.AddServiceTokenIssuer(ServiceTokenIssuers.PartnerPortal);
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<AnalyticsClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.AnalyticsApi}"))
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
}
