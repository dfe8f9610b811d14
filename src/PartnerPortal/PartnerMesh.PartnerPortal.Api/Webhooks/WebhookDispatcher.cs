using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>Wakes this instance's dispatcher when its consumer created deliveries.</summary>
public sealed class WebhookDispatchSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the poll interval passed
        }
    }
}

/// <summary>
/// Sends due deliveries (every instance; rows claimed with <c>SKIP LOCKED</c>), signed (<see cref="WebhookSignature"/>).
/// A 2xx answer delivers; anything else retries with exponential backoff (10 s, 20 s, … up to an hour) until
/// <see cref="WebhookOptions.MaxAttempts"/>, then the delivery is failed and can be redelivered by hand. A subscription
/// whose attempts failed <see cref="WebhookOptions.DisableAfterConsecutiveFailures"/> times in a row over at least
/// <see cref="WebhookOptions.DisableAfterFailingFor"/> is switched off; its deliveries then wait (none gives up on the
/// attempt that switched it off) and the fan-out goes on recording its events. A delivery of a partner that is not active
/// (<see cref="PartnerStanding"/>: suspended, pending, invited) is not sent but logged <see cref="DeliveryStatuses.Skipped"/>,
/// for good: it does not go out when the partner is active again.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory clients, WebhookDispatchSignal signal, IDataProtectionProvider protection,
    IOptions<WebhookOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string ClientName = "webhooks";
    public const string ProtectorPurpose = "PartnerMesh.Webhooks.Secret";
    private const int BatchSize = 20;

    private readonly Counter<long> _attempts = meterFactory.Create("PartnerMesh.PartnerPortal")
        .CreateCounter<long>("partnermesh.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, retry, failed; skipped: not sent, the partner is not active).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchDueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Webhook dispatch failed; retrying");
            }

            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }

    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock order: subscription, then its deliveries, as a DELETE of a subscription takes them (the row, then its
        // deliveries by the cascade). The claim holds each claimed delivery's subscription FOR KEY SHARE, so a concurrent
        // DELETE waits for this batch before it locks anything, instead of holding the subscription while waiting for a
        // delivery locked here while this batch waits for the subscription to update its counters (deadlock, 40P01).
        // KEY SHARE does not conflict with the counters' update below, another instance's batch or a PUT; SKIP LOCKED on
        // both: never wait here, a subscription being deleted is skipped.
        var due = await db.WebhookDeliveries.FromSql($"""
            SELECT d.* FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= {now} AND s.active
            ORDER BY d.next_attempt_at LIMIT {BatchSize}
            FOR UPDATE OF d SKIP LOCKED FOR KEY SHARE OF s SKIP LOCKED
            """).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var subscriptionIds = due.Select(delivery => delivery.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.Where(subscription => subscriptionIds.Contains(subscription.Id))
            .ToDictionaryAsync(subscription => subscription.Id, cancellationToken);
        // One read of the claimed partners' standings (no row: registered active, never changed).
        List<Guid> partnerIds = [.. subscriptions.Values.Select(subscription => subscription.PartnerId).OfType<Guid>().Distinct()];
        var notActive = partnerIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.PartnerStandings.AsNoTracking()
                .Where(standing => partnerIds.Contains(standing.PartnerId) && standing.Status != PartnerStanding.Active)
                .ToDictionaryAsync(standing => standing.PartnerId, standing => standing.Status, cancellationToken);
        var protector = protection.CreateProtector(ProtectorPurpose);
        await Task.WhenAll(due.Select(delivery =>
            subscriptions[delivery.SubscriptionId].PartnerId is { } partnerId && notActive.TryGetValue(partnerId, out var status)
                ? Skip(delivery, status)
                : SendAsync(delivery, subscriptions[delivery.SubscriptionId], protector, cancellationToken)));
        foreach (var delivery in due)
        {
            var subscription = subscriptions[delivery.SubscriptionId];
            if (delivery.Status == DeliveryStatuses.Skipped)
            {
                continue; // no attempt: neither a failure nor a success of the receiver
            }

            if (delivery.Status == DeliveryStatuses.Delivered)
            {
                subscription.ConsecutiveFailures = 0;
                subscription.FailingSince = null;
                continue;
            }

            subscription.ConsecutiveFailures++;
            subscription.FailingSince ??= now;
            if (subscription.Active && subscription.ConsecutiveFailures >= options.Value.DisableAfterConsecutiveFailures
                && now - subscription.FailingSince >= options.Value.DisableAfterFailingFor)
            {
                subscription.Active = false;
                subscription.DisabledAt = now;
                logger.LogWarning("Webhook subscription {SubscriptionId} switched off after {Count} failed attempts in a row since {FailingSince}",
                    subscription.Id, subscription.ConsecutiveFailures, subscription.FailingSince);
            }
        }

        foreach (var delivery in due)
        {
            // Switched off for failing, the subscription keeps every delivery waiting, even one that has just had its last attempt.
            if (delivery.Status == DeliveryStatuses.Failed && !subscriptions[delivery.SubscriptionId].Active)
            {
                delivery.Status = DeliveryStatuses.Pending;
            }

            _attempts.Add(1, new KeyValuePair<string, object?>("outcome", delivery.Status switch
            {
                DeliveryStatuses.Delivered => "delivered",
                DeliveryStatuses.Failed => "failed",
                DeliveryStatuses.Skipped => "skipped",
                _ => "retry",
            }));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>The partner is not active: the delivery is logged as not sent, and never sent later on its own.</summary>
    private static Task Skip(WebhookDelivery delivery, string partnerStatus)
    {
        delivery.Status = DeliveryStatuses.Skipped;
        delivery.LastStatusCode = null;
        delivery.LastError = $"not sent: the partner is {partnerStatus}";
        return Task.CompletedTask;
    }

    private async Task SendAsync(WebhookDelivery delivery, WebhookSubscription subscription, IDataProtector protector, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            // Within the overlap after a rotation, signed with the new secret and the previous one (a v1 each).
            string[] secrets = subscription is { PreviousProtectedSecret: { } previous, PreviousSecretExpiresAt: { } expiresAt } && now < expiresAt
                ? [protector.Unprotect(subscription.ProtectedSecret), protector.Unprotect(previous)]
                : [protector.Unprotect(subscription.ProtectedSecret)];
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secrets, now.ToUnixTimeSeconds(), delivery.Payload));
            request.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId.ToString());
            request.Headers.Add(WebhookSignature.EventTypeHeader, delivery.EventType);
            request.Headers.Add(WebhookSignature.DeliveryIdHeader, delivery.Id.ToString());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.RequestTimeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            delivery.LastStatusCode = (int)response.StatusCode;
            delivery.LastError = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            if (response.IsSuccessStatusCode)
            {
                delivery.Status = DeliveryStatuses.Delivered;
                delivery.DeliveredAt = now;
                return;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            delivery.LastStatusCode = null;
            delivery.LastError = exception is OperationCanceledException ? "timed out" : exception.Message[..Math.Min(exception.Message.Length, 500)];
        }
        catch (CryptographicException)
        {
            // The secret cannot be read (its data-protection key is gone): a failed attempt for this delivery, not an
            // exception that would roll back the whole batch and stall every other subscription's deliveries behind it.
            delivery.LastStatusCode = null;
            delivery.LastError = "the subscription's signing secret cannot be read; rotate its secret";
        }

        delivery.Status = delivery.Attempts >= options.Value.MaxAttempts ? DeliveryStatuses.Failed : DeliveryStatuses.Pending;
        var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks, options.Value.FirstRetryDelay.Ticks * (1L << Math.Min(delivery.Attempts - 1, 20))));
        delivery.NextAttemptAt = now + delay;
    }
}
