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

    public static DbContextOptionsBuilder UseOutboxSignal(this DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor>());
}
