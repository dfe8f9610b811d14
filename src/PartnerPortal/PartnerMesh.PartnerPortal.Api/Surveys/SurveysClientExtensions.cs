using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Surveys;

public static class SurveysClientExtensions
{
    /// <summary>
    /// A typed client for <c>http://surveys-api</c> (service discovery: <c>services__surveys-api__http__0</c>), as quick to
    /// give up as the analytics client: a page waits on it.
    /// </summary>
    public static WebApplicationBuilder AddSurveysClient(this WebApplicationBuilder builder)
    {
        if (!builder.Services.Any(service => service.ServiceType == typeof(ServiceTokenIssuer)))
        {
            builder.Services.AddServiceTokenIssuer(ServiceTokenIssuers.PartnerPortal);
        }

#pragma warning disable EXTEXP0001 // see AddAnalyticsClient
        builder.Services.AddHttpClient<SurveysClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.SurveysApi}"))
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
