using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Promotions.Api.Audit;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.IntegrationEvents;
using PartnerMesh.Promotions.Api.Orders;
using PartnerMesh.Promotions.Api.ProductPages;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.PromotionsDb);
        builder.Services.AddOutboxDbContext<PromotionsDbContext>(connectionString);
        builder.Services.AddPartnerDirectory<PromotionsDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
            bus.AddConsumer<RegisterPartnerConsumer>());
        builder.AddRedisConnection(ResourceNames.Redis);

        builder.Services.AddOptions<PromotionsOptions>().BindConfiguration(PromotionsOptions.SectionName).ValidateDataAnnotations()
            .Validate(options => options.EvaluationLog is { SampleRate: >= 0 and <= 1, RetentionDays: >= 1 } && options.EvaluationLog.SweepInterval > TimeSpan.Zero,
                "Promotions:EvaluationLog: SampleRate is 0 to 1, RetentionDays at least 1, SweepInterval positive.")
            .ValidateOnStart();
        builder.Services.Configure<JsonOptions>(options => PromotionJson.Configure(options.SerializerOptions));
        builder.Services.ConfigureAll<OpenApiOptions>(options => options.AddSchemaTransformer<EnumSchemaTransformer>().AddSchemaTransformer<ClockTimeSchemaTransformer>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PromotionsMetrics>();
        builder.Services.AddSingleton<RuleSetProvider>();
        builder.Services.AddSingleton<PartnerRegistry>();
        builder.Services.AddSingleton<RuleSetNotifier>();
        builder.Services.AddHostedService<RuleSetRefresher>();
        builder.Services.AddSingleton<BudgetStatusCache>();
        builder.Services.AddSingleton<ReservationGate>();
        builder.Services.AddHostedService<BudgetMaintenance>();
        builder.Services.AddSingleton<QuoteSigner>();
        builder.Services.AddScoped<PromotionCatalog>();
        builder.Services.AddScoped<BudgetLedger>();
        builder.Services.AddScoped<EvaluationService>();
        builder.Services.AddServiceTokenIssuer(ServiceTokenIssuers.Promotions);
        builder.Services.AddSingleton<OutboundServiceTokens>();
        builder.Services.AddHttpClient<CouponCodeValidator>();
        builder.Services.AddSingleton<ClickPartnerCache>();
        builder.Services.AddHttpClient<ClickPartnerLookup>();
        builder.Services.AddScoped<OrderVerificationService>();
        builder.Services.AddSingleton<IdempotentRequests>();
        builder.Services.AddScoped<ExperimentService>();
        builder.Services.AddScoped<PromotionAuditService>();
        builder.Services.AddSingleton<ExposureRecorder>();
        builder.Services.AddSingleton<ExposureWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ExposureWriter>());
        builder.Services.AddScoped<ProductPageContentService>();
        builder.Services.AddSingleton<ProductPageService>();
        builder.Services.AddSingleton<EvaluationLogRecorder>();
        builder.Services.AddHostedService<EvaluationLogWriter>();
        builder.Services.AddSingleton<EvaluationLogSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EvaluationLogSweeper>());
        builder.Services.AddScoped<EvaluationLogQueries>();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString).AddCheck<RuleSetHealthCheck>("rule-set");
        return builder;
    }
}
