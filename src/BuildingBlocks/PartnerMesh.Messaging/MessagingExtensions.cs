using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace PartnerMesh.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Wires MassTransit 8 on RabbitMQ with the conventions every service shares: kebab-case queues, one per consumer,
    /// prefixed with the service (<c>analytics-record-click</c>) so two services' consumers of the same name never share
    /// a queue (which would split the events between them); retries with growing intervals; MassTransit's
    /// <c>_error</c>/<c>_skipped</c> queues left on, their depths reported by the <see cref="ErrorQueueMetrics"/> gauges.
    /// </summary>
    public static TBuilder AddPartnerMeshMessaging<TBuilder>(
        this TBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);

        builder.Services.AddMassTransit(bus =>
        {
            // A self-hosted system must not phone home (and would log a failure on every start without internet).
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(QueuePrefix(builder.Environment.ApplicationName), false));
            configureConsumers?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((context, queueName, endpoint) =>
            {
                endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 1_000, 5_000));
                context.GetRequiredService<ReceiveEndpointQueues>().Add(queueName);
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddOptions<ErrorQueueOptions>().BindConfiguration(ErrorQueueOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ReceiveEndpointQueues>();
        builder.Services.TryAddSingleton<ErrorQueueMetrics>();
        builder.Services.AddHostedService(services =>
            ActivatorUtilities.CreateInstance<ErrorQueueDepthReporter>(services, new Uri(connectionString)));

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });

        return builder;
    }

    /// <summary><c>PartnerMesh.PartnerPortal.Api</c> → <c>partner-portal-</c>.</summary>
    internal static string QueuePrefix(string applicationName)
    {
        var parts = applicationName.Split('.');
        var service = parts.Length > 1 && parts[0] == "PartnerMesh" ? parts[1] : parts[0];
        return KebabCaseEndpointNameFormatter.Instance.SanitizeName(service) + "-";
    }
}
