using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? EventTypes);

public sealed record UpdateWebhookRequest(bool? Active);

public sealed record WebhookResponse(
    Guid Id, Guid? PartnerId, string Url, IReadOnlyList<string> EventTypes, bool Active, int ConsecutiveFailures, DateTimeOffset? DisabledAt,
    DateTimeOffset CreatedAt)
{
    public static WebhookResponse From(WebhookSubscription subscription) => new(
        subscription.Id, subscription.PartnerId, subscription.Url, subscription.EventTypes, subscription.Active, subscription.ConsecutiveFailures,
        subscription.DisabledAt, subscription.CreatedAt);
}

/// <summary>The secret is shown once, at creation.</summary>
public sealed record CreatedWebhookResponse(WebhookResponse Webhook, string Secret);

public sealed record DeliveryResponse(
    Guid Id, Guid EventId, string EventType, string Status, int Attempts, DateTimeOffset NextAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt)
{
    public static DeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.Id, delivery.EventId, delivery.EventType, delivery.Status, delivery.Attempts, delivery.NextAttemptAt, delivery.LastStatusCode,
        delivery.LastError, delivery.CreatedAt, delivery.DeliveredAt);
}

public sealed record DeliveryPage(IReadOnlyList<DeliveryResponse> Items, Guid? Next);

public static class WebhookRules
{
    public const int MaxUrlLength = 2_000;
    public const int MaxSubscriptionsPerOwner = 20;

    public static Dictionary<string, string[]>? Validate(CreateWebhookRequest request, bool forPartner, IReadOnlyCollection<string> insecureHosts)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (UrlProblem(request.Url, insecureHosts) is { } problem)
        {
            errors["url"] = [problem];
        }

        var types = request.EventTypes ?? [];
        var allowed = forPartner ? WebhookEventTypes.PartnerNames : WebhookEventTypes.Names;
        if (types.Count is 0 or > 100)
        {
            errors["eventTypes"] = ["1 to 100 event types (e.g. attribution.conversion-attributed), or [\"*\"] for all."];
        }
        else if (types.Any(string.IsNullOrWhiteSpace))
        {
            // A null element would be stored in the subscription's array and break every fan-out that reads it.
            errors["eventTypes"] = ["Event types are non-empty names (e.g. attribution.conversion-attributed), or \"*\" for all."];
        }
        else if (types.FirstOrDefault(type => type != WebhookEventTypes.All && !allowed.Contains(type)) is { } unknown)
        {
            errors["eventTypes"] = [forPartner && WebhookEventTypes.PartnerRefusal(unknown) is { } refusal
                ? $"Partners cannot subscribe to '{unknown}': {refusal}"
                : $"Unknown event type '{unknown[..Math.Min(unknown.Length, 100)]}'. Known: {string.Join(", ", allowed.Order())}."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>https to a public host; http and private addresses only for the configured development hosts.</summary>
    public static string? UrlProblem(string? url, IReadOnlyCollection<string> insecureHosts)
    {
        if (url is not { Length: > 0 and <= MaxUrlLength } || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            return $"An absolute URL of at most {MaxUrlLength} characters, without credentials.";
        }

        var insecureAllowed = insecureHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && insecureAllowed))
        {
            return "Webhook URLs use https.";
        }

        if (!insecureAllowed && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IsPrivate(address))
            || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
        {
            return "Webhook URLs must point to a public host.";
        }

        return null;
    }

    /// <summary>Loopback, private, link-local (cloud metadata), unique-local and unspecified addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] == 10 || (bytes[0] == 172 && bytes[1] is >= 16 and <= 31) || (bytes[0] == 192 && bytes[1] == 168)
                || (bytes[0] == 169 && bytes[1] == 254) || (bytes[0] == 100 && bytes[1] is >= 64 and <= 127) || bytes[0] == 0;
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
    }
}
