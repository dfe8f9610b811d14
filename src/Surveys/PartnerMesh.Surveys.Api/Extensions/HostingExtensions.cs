using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Surveys.Api.Decisions;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.EmailLinks;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Insights;
using PartnerMesh.Surveys.Api.IntegrationEvents;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.SurveysDb);
        builder.Services.AddOutboxDbContext<SurveysDbContext>(connectionString);
        builder.Services.AddPartnerDirectory<SurveysDbContext>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
            bus.AddConsumer<RegisterPartnerConsumer>());

        builder.AddRedisConnection(ResourceNames.Redis);
        builder.AddContactFrequencyRecord();

        // Free text is returned as data: HTML-significant characters are escaped (\u003C…) so no client can mistake it for markup.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = JavaScriptEncoder.Default);
        builder.Services.AddOptions<SurveysOptions>().BindConfiguration(SurveysOptions.SectionName).ValidateDataAnnotations()
            .Validate(options => PartnerWeeks.IsZone(options.ReportingTimeZone), "Surveys:ReportingTimeZone is not a known time zone id.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RedisOutage>();
        builder.Services.AddSingleton<SurveysMetrics>();
        builder.Services.AddSingleton<SurveyCatalog>();
        builder.Services.AddHostedService<SurveyCatalogRefresher>();
        builder.Services.AddSingleton<FrequencyRecord>();
        builder.Services.AddSingleton<EmailLinkSigner>();
        builder.Services.AddScoped<SurveyService>();
        builder.Services.AddScoped<DecisionService>();
        builder.Services.AddSingleton<ImpressionWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ImpressionWriter>());
        builder.Services.AddScoped<ResponseService>();
        builder.Services.AddScoped<InsightsService>();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }
}
