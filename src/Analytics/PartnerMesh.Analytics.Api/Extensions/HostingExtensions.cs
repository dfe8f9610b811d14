using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
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

        builder.Services.AddOutboxDbContext<AnalyticsDbContext>(connectionString);
        builder.Services.AddSingleton<AnalyticsMetrics>();
        // Numbers as the values they are (revenue 120, not the column's 120.0000), ahead of the shared decimal converter.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Insert(0, new NormalizedDecimalConverter()));
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.SectionName)
            .Validate(options => TryFindZone(options.ReportingTimeZone), "Analytics:ReportingTimeZone is not a known time zone id.")
            .Validate(options => options.CartAbandonment.IdleTime > TimeSpan.Zero, "Analytics:CartAbandonment:IdleTime must be positive.")
            .Validate(options => options.PartnerSurveys.PublicationDelay >= TimeSpan.Zero, "Analytics:PartnerSurveys:PublicationDelay must not be negative.")
            .Validate(
                options => options.Calendar.Days.All(day => day.Key.Length > 0 && ShoppingCalendar.TryParseDate(day.Date, out _, out _, out _)),
                "Analytics:Calendar:Days need a Key and a Date formatted MM-dd (every year) or yyyy-MM-dd (once).")
            .ValidateOnStart();
        builder.Services.AddSingleton<AggregationSignal>();
        builder.Services.AddScoped<Aggregator>();
        builder.Services.AddScoped<Sweeper>();
        builder.Services.AddScoped<Replayer>();
        builder.Services.AddScoped<ConcentrationMonitor>();
        builder.Services.AddScoped<KpiReader>();
        builder.Services.AddScoped<PartnerRevenueShares>();
        builder.Services.AddScoped<PartnerSurveyCells>();
        builder.Services.AddHostedService<AggregationWorker>();

        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus =>
        {
            bus.AddConsumer<RegisterPartnerConsumer>();
            bus.AddConsumer<RecordClicksConsumer>(typeof(RecordClicksConsumerDefinition));
            bus.AddConsumer<RecordConversionConsumer>();
            bus.AddConsumer<LogCouponRedeemedConsumer>(typeof(EventLogConsumerDefinition<LogCouponRedeemedConsumer>));
            bus.AddConsumer<LogOrderPromotionsVerifiedConsumer>(typeof(EventLogConsumerDefinition<LogOrderPromotionsVerifiedConsumer>));
            bus.AddConsumer<LogQuoteMismatchConsumer>(typeof(EventLogConsumerDefinition<LogQuoteMismatchConsumer>));
            bus.AddConsumer<LogSurveyShownConsumer>(typeof(EventLogConsumerDefinition<LogSurveyShownConsumer>));
            bus.AddConsumer<LogSurveyResponseConsumer>(typeof(EventLogConsumerDefinition<LogSurveyResponseConsumer>));
            bus.AddConsumer<LogRefundRecordedConsumer>(typeof(EventLogConsumerDefinition<LogRefundRecordedConsumer>));
            bus.AddConsumer<LogConversionReattributedConsumer>(typeof(EventLogConsumerDefinition<LogConversionReattributedConsumer>));
            bus.AddConsumer<LogCommissionRejectedConsumer>(typeof(EventLogConsumerDefinition<LogCommissionRejectedConsumer>));
        });

        builder.Services.AddHealthChecks().AddNpgSql(connectionString);
        return builder;
    }

    private static bool TryFindZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
