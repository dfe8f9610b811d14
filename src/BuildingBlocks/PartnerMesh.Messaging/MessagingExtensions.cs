using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PartnerMesh.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Wires MassTransit 8 on RabbitMQ with the conventions every service shares: kebab-case queues (one per consumer),
    /// retries with growing intervals, MassTransit's <c>_error</c>/<c>_skipped</c> queues left on, and the queue name
    /// prefixed by nothing so queues read like <c>analytics-record-click</c>.
    /// </summary>
    public static TBuilder AddPartnerMeshMessaging<TBuilder>(
        this TBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configureConsumers?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 1_000, 5_000));
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });

        return builder;
    }
}
