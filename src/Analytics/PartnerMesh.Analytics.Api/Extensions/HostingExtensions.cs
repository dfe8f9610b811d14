using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.IntegrationEvents;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Analytics.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.AnalyticsDb);

        builder.Services.AddDbContext<AnalyticsDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<AnalyticsDbContext>();
        builder.Services.AddSingleton<AnalyticsMetrics>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
        {
            bus.AddConsumer<RegisterPartnerConsumer>();
            bus.AddConsumer<RecordClickConsumer>();
            bus.AddConsumer<RecordConversionConsumer>();
        });

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
