using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.PartnerPortal.Api.Attribution;
using PartnerMesh.PartnerPortal.Api.Experiments;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.IntegrationEvents;
using PartnerMesh.PartnerPortal.Api.KeyRing;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using PartnerMesh.PartnerPortal.Api.Surveys;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.OpenApi;

namespace PartnerMesh.PartnerPortal.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        if (DocumentGeneration.IsRunning)
        {
            // The build-time OpenAPI run builds the pipeline, hence the key ring's cipher: a throwaway secret, never used.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.DataProtectionKey)}"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            });
        }

        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.PortalDb);

        builder.Services.AddOutboxDbContext<PortalDbContext>(connectionString);

        // Session and antiforgery cookies stay valid across restarts and instances; the keys are encrypted at rest.
        builder.Services.AddDataProtection()
            .SetApplicationName(ResourceNames.PartnerPortalApi)
            .PersistKeysEncryptedToPortalDb();

        builder.Services.AddSingleton<IPasswordHasher<PortalAccount>, PasswordHasher<PortalAccount>>();
        builder.Services.AddScoped<SignInService>();
        builder.Services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.SectionName).ValidateDataAnnotations()
            .Validate(SignInThrottleOptions.AreConsistent, SignInThrottleOptions.ConsistencyRule).ValidateOnStart();
        builder.Services.AddScoped<SignInThrottler>();
        builder.Services.AddScoped<SignInAuditLog>();
        builder.Services.AddSingleton<SignInSecurityMetrics>();
        builder.Services.AddSingleton<SignInSecurityCleanup>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SignInSecurityCleanup>());
        builder.AddPortalAuthentication();
        builder.AddAnalyticsClient();
        builder.AddAttributionClient();
        builder.AddTrackingLinks();
        builder.AddPromotionsClient();
        builder.AddSurveysClient();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
        {
            bus.AddConsumer<RegisterPartnerConsumer>();
            bus.AddConsumer<RecordPartnerStatusConsumer>();
            bus.AddWebhookFanOut();
        });
        builder.AddWebhooks();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
