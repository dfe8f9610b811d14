using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.IntegrationEvents;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Coupons.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.CouponsDb);
        builder.Services.AddDbContext<CouponsDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<CouponsDbContext>();
        builder.Services.AddPartnerDirectory<CouponsDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
            bus.AddConsumer<RegisterPartnerConsumer>());

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
