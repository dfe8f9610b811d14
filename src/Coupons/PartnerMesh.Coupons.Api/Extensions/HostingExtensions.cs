using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.Coupons.Api.IntegrationEvents;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Coupons.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.CouponsDb);
        builder.Services.AddOutboxDbContext<CouponsDbContext>(connectionString);
        builder.Services.AddPartnerDirectory<CouponsDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
        {
            bus.AddConsumer<RegisterPartnerConsumer>();
            bus.AddConsumer<RecordPartnerStatusConsumer>();
            bus.AddConsumer<IssueAbandonedCartOfferConsumer>();
            bus.AddConsumer<DropRecoveredCartOffersConsumer>();
        });

        builder.Services.AddOptions<CouponsOptions>().BindConfiguration(CouponsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CouponsMetrics>();
        builder.Services.AddScoped<UsageLedger>();
        builder.Services.AddScoped<CampaignService>();
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<CouponsOptions>>().Value;
            return new CheckoutGate(CheckoutGate.SlotsFor(connectionString, options.CheckoutConcurrency), options.CheckoutQueueLimit);
        });
        builder.Services.AddScoped<UseBatch>();
        builder.Services.AddSingleton<CodeDefinitionCache>();
        builder.Services.AddSingleton<CodeChangeNotifier>();
        builder.Services.AddHostedService<CodeChangeListener>();
        builder.Services.AddOptions<GroupCommitOptions>()
            .BindConfiguration(GroupCommitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<UseLanes>();
        builder.Services.AddHostedService(services => services.GetRequiredService<UseLanes>());
        builder.Services.AddScoped<CodeRotation>();
        builder.Services.AddScoped<OfferService>();
        builder.Services.AddScoped<OfferPool>();
        builder.Services.AddSingleton<OfferSignal>();
        builder.Services.AddHostedService<OfferScheduler>();
        builder.AddRedisConnection(ResourceNames.Redis).AddContactFrequencyRecord();
        builder.Services.TryAddSingleton<RedisOutage>();
        builder.Services.AddHostedService<ReservationSweeper>();
        builder.Services.AddSingleton<IdempotencyKeySweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IdempotencyKeySweeper>());
        builder.Services.AddSingleton<GenerationSignal>();
        builder.Services.AddHostedService<GenerationWorker>();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
