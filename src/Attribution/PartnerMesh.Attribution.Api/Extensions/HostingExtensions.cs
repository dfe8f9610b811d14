using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.IntegrationEvents;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Attribution.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.AddSelfServicePolicy();
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.AttributionDb);

        builder.Services.AddOutboxDbContext<AttributionDbContext>(connectionString);
        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
        {
            bus.AddConsumer<CouponRedeemedConsumer>();
            bus.AddConsumer<CouponLeakSuspectedConsumer>();
            bus.AddConsumer<RecordCouponPartnerCodeConsumer>();
        });

        builder.Services.AddSingleton<LinkCache>();
        builder.Services.AddScoped<LinkResolver>();
        builder.Services.AddScoped<ClickRecorder>();
        builder.Services.AddOptions<ClickWriterOptions>()
            .BindConfiguration(ClickWriterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ClickWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ClickWriter>());
        builder.Services.AddScoped<ConversionService>();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddScoped<ConversionReattribution>();
        builder.Services.AddScoped<CommissionBook>();
        builder.Services.AddScoped<RetentionMilestones>();
        builder.Services.AddScoped<CommissionLifecycle>();
        builder.Services.AddScoped<PayoutService>();
        builder.Services.AddSingleton<ProgramDirectory>();
        builder.Services.AddHostedService<CommissionApprover>();
        builder.Services.AddScoped<ClickCommissionAccrual>();
        builder.Services.AddHostedService<ClickCommissionAccrualJob>();
        builder.Services.AddScoped<LeadService>();
        builder.Services.AddSingleton<IdempotencyKeySweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IdempotencyKeySweeper>());
        builder.Services.AddSingleton<AttributionMetrics>();
        builder.Services.AddOptions<AttributionOptions>()
            .BindConfiguration(nameof(AttributionOptions))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Redis is only the link cache (redirects fall back to PostgreSQL): losing it degrades the service, never takes it down.
        builder.AddRedisConnection(ResourceNames.Redis);
        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
