using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Data;
using PartnerMesh.Messaging;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>Outbox → real RabbitMQ → inbox: nothing lost, nothing doubled.</summary>
public sealed class OutboxToInboxTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>, IAsyncLifetime
{
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var vhost = await database.Infrastructure.CreateVirtualHostAsync("outboxtests");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{ResourceNames.Messaging}"] = vhost.ToString();
        builder.Configuration["Outbox:PollInterval"] = "00:01:00"; // only the commit signal can make delivery prompt
        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus => bus.AddConsumer<ApplyPartnerEffectConsumer>());
        builder.Services.AddDbContext<OutboxTestDbContext>((services, options) =>
            options.UsePartnerMeshNpgsql(database.ConnectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<OutboxTestDbContext>();
        _host = builder.Build();
        await _host.StartAsync(Ct);
        await _host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    [Fact]
    public async Task CommittedEvent_IsRelayedPromptlyAndAppliedOnce()
    {
        var evt = OutboxDatabase.NewEvent();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = $"w-{evt.EventId}" });
            db.AddIntegrationEvent(evt);
            await db.SaveChangesAsync(Ct);
        }

        // Poll interval is a minute: arriving within 15 s proves the commit signal woke the relay.
        await Eventually.UntilAsync(() => EffectCountAsync(evt.PartnerId).ContinueWith(t => t.Result == 1, Ct), TimeSpan.FromSeconds(15));
        // The relay marks the row after the broker confirmed, which can be a moment after the consumer applied it.
        await Eventually.UntilAsync(async () =>
        {
            await using var check = database.CreateDbContext();
            return (await check.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct)).PublishedAt is not null;
        }, TimeSpan.FromSeconds(15), "the relay marking the row published");
    }

    [Fact]
    public void ConsumerQueues_ArePrefixedWithTheService()
    {
        var formatter = _host.Services.GetRequiredService<IEndpointNameFormatter>();
        var expectedPrefix = _host.Services.GetRequiredService<IHostEnvironment>().ApplicationName.Split('.')[1].ToLowerInvariant();

        Assert.Equal($"{expectedPrefix}-apply-partner-effect", formatter.Consumer<ApplyPartnerEffectConsumer>());
    }

    [Fact]
    public async Task RedeliveredMessage_IsProcessedOnce()
    {
        using var duplicates = new InboxDuplicates(_host.Services);
        var evt = OutboxDatabase.NewEvent();
        var bus = _host.Services.GetRequiredService<IBus>();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bus.Publish(evt, context => context.MessageId = evt.EventId, Ct)));

        await duplicates.WaitForAsync(4, nameof(ApplyPartnerEffectConsumer));
        Assert.Equal(1, await EffectCountAsync(evt.PartnerId));
    }

    [Fact]
    public async Task CrashAfterPublishBeforeMarking_RepublishesButAppliesOnce()
    {
        using var duplicates = new InboxDuplicates(_host.Services);
        // Due in an hour: the host's own dispatcher (real clock) never claims it; the test's relays run two hours ahead.
        var evt = OutboxDatabase.NewEvent(DateTimeOffset.UtcNow.AddHours(1));
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        await using (var db = database.CreateDbContext())
        {
            db.AddIntegrationEvent(evt);
            await db.SaveChangesAsync(Ct);
        }

        // The relay publishes, then "crashes" before its transaction commits: the row stays pending.
        var bus = _host.Services.GetRequiredService<IBus>();
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var crashingPublisher = new CrashAfterPublish(new MassTransitOutboxPublisher(bus), crash);
        await using (var db = database.CreateDbContext())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                OutboxDatabase.CreateRelay(db, crashingPublisher, later).ProcessBatchAsync(crash.Token));
        }

        await Eventually.UntilAsync(() => EffectCountAsync(evt.PartnerId).ContinueWith(t => t.Result == 1, Ct));

        // The next relay pass publishes the same message id again.
        await using (var db = database.CreateDbContext())
        {
            await OutboxDatabase.CreateRelay(db, new MassTransitOutboxPublisher(bus), later).ProcessBatchAsync(Ct);
            Assert.NotNull((await db.Set<OutboxMessage>().SingleAsync(m => m.Id == evt.EventId, Ct)).PublishedAt);
        }

        await duplicates.WaitForAsync(1, nameof(ApplyPartnerEffectConsumer));
        Assert.Equal(1, await EffectCountAsync(evt.PartnerId));
        Assert.Equal(1, await InboxCountAsync(evt.EventId));
    }

    private async Task<int> EffectCountAsync(Guid partnerId)
    {
        await using var db = database.CreateDbContext();
        return await db.AppliedEffects.CountAsync(e => e.PartnerId == partnerId, Ct);
    }

    private async Task<int> InboxCountAsync(Guid messageId)
    {
        await using var db = database.CreateDbContext();
        return await db.Set<InboxMessage>().CountAsync(m => m.MessageId == messageId, Ct);
    }

    private sealed class CrashAfterPublish(IOutboxPublisher inner, CancellationTokenSource crash) : IOutboxPublisher
    {
        public async Task PublishAsync(Guid messageId, object message, Type messageType, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(messageId, message, messageType, CancellationToken.None);
            await crash.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
