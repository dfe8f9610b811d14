using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.IntegrationEvents;

namespace PartnerMesh.Surveys.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.SurveysDb);
        builder.Services.AddDbContext<SurveysDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<SurveysDbContext>();
        builder.Services.AddPartnerDirectory<SurveysDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
            bus.AddConsumer<RegisterPartnerConsumer>());

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
