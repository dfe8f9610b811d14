using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerMesh.Data;

namespace PartnerMesh.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers the relay for <typeparamref name="TDbContext"/>, the gauges' status refresh and the
    /// <c>--redrive-parked-outbox</c> command (one outbox per service); map the tables with
    /// <c>modelBuilder.AddOutboxAndInbox()</c> and add the interceptor with <c>options.UseOutboxSignal(serviceProvider)</c>.
    /// </summary>
    public static IServiceCollection AddOutbox<TDbContext>(this IServiceCollection services)
        where TDbContext : DbContext
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxSignalInterceptor>();
        services.TryAddSingleton<OutboxMetrics>();
        services.TryAddSingleton<IOutboxPublisher, MassTransitOutboxPublisher>();
        services.AddScoped<OutboxRelay<TDbContext>>();
        services.AddHostedService<OutboxDispatcher<TDbContext>>();
        services.AddHostedService<OutboxStatusReporter<TDbContext>>();
        services.AddSingleton<IHostCommand, RedriveParkedOutboxCommand<TDbContext>>();
        return services;
    }

    /// <summary>
    /// The service's database context on PostgreSQL with the outbox signal, plus <see cref="AddOutbox{TDbContext}"/>.
    /// The options are built once (singleton): they depend on nothing per request, and building them for every scope
    /// was a measurable share of a request's CPU.
    /// </summary>
    public static IServiceCollection AddOutboxDbContext<TDbContext>(this IServiceCollection services, string connectionString)
        where TDbContext : DbContext
    {
        services.AddDbContext<TDbContext>(
            (provider, options) => options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(provider),
            contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        return services.AddOutbox<TDbContext>();
    }

    public static DbContextOptionsBuilder UseOutboxSignal(this DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor>());
}
