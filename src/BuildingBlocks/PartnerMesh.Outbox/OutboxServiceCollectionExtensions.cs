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
    /// Contexts are pooled: a request leases one whose internal services are already built, and EF resets it when the
    /// request's scope ends. Building options and internal services for every request was a fifth of the CPU of a cheap
    /// request (a coupon validation). A pooled context must keep no state of its own beyond what EF resets.
    /// </summary>
    public static IServiceCollection AddOutboxDbContext<TDbContext>(this IServiceCollection services, string connectionString)
        where TDbContext : DbContext
    {
        services.AddDbContextPool<TDbContext>(
            (provider, options) => options.UsePartnerMeshNpgsql(connectionString).UseOutboxSignal(provider));
        return services.AddOutbox<TDbContext>();
    }

    public static DbContextOptionsBuilder UseOutboxSignal(this DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor>());
}
