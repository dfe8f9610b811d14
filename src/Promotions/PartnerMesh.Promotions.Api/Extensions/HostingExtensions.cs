using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.IntegrationEvents;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Promotions.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.PromotionsDb);
        builder.Services.AddDbContext<PromotionsDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<PromotionsDbContext>();
        builder.Services.AddPartnerDirectory<PromotionsDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
            bus.AddConsumer<RegisterPartnerConsumer>());

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
