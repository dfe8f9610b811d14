using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

public sealed record CreateWebhookRequest([Required] string? Url, [Required] IReadOnlyList<string>? EventTypes);

public sealed record UpdateWebhookRequest([Required] bool? Active);

/// <param name="SecretRotatedAt">When its signing secret was last rotated; null before the first rotation.</param>
/// <param name="PreviousSecretExpiresAt">
/// Until when deliveries are signed with the previous secret too (a second <c>v1</c>); null when only the current secret
/// signs (never rotated, or the overlap after the latest rotation has passed).
/// </param>
public sealed record WebhookResponse(
    Guid Id, Guid? PartnerId, string Url, IReadOnlyList<string> EventTypes, bool Active, int ConsecutiveFailures, DateTimeOffset? DisabledAt,
    DateTimeOffset CreatedAt, DateTimeOffset? SecretRotatedAt, DateTimeOffset? PreviousSecretExpiresAt)
{
    /// <param name="now">When it is read: the previous secret shows only while it still signs (as the dispatcher decides).</param>
    public static WebhookResponse From(WebhookSubscription subscription, DateTimeOffset now) => new(
        subscription.Id, subscription.PartnerId, subscription.Url, subscription.EventTypes, subscription.Active, subscription.ConsecutiveFailures,
        subscription.DisabledAt, subscription.CreatedAt, subscription.SecretRotatedAt,
        subscription is { PreviousProtectedSecret: not null, PreviousSecretExpiresAt: { } expiresAt } && now < expiresAt ? expiresAt : null);
}

/// <summary>The secret is shown once, at creation.</summary>
public sealed record CreatedWebhookResponse(WebhookResponse Webhook, string Secret);

/// <summary>
/// A rotated secret, shown once (and again to a retry with the same <c>Idempotency-Key</c>): deliveries carry a signature
/// with the previous secret too until <paramref name="PreviousSecretExpiresAt"/>.
/// </summary>
public sealed record RotatedSecretResponse(WebhookResponse Webhook, string Secret, DateTimeOffset PreviousSecretExpiresAt);

public sealed record DeliveryResponse(
    Guid Id, Guid EventId, string EventType, string Status, int Attempts, DateTimeOffset NextAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? LastAttemptAt)
{
    public static DeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.Id, delivery.EventId, delivery.EventType, delivery.Status, delivery.Attempts, delivery.NextAttemptAt, delivery.LastStatusCode,
        delivery.LastError, delivery.CreatedAt, delivery.DeliveredAt, delivery.LastAttemptAt);
}

/// <summary>A delivery on the portal's Webhooks page: which of the partner's webhooks it went to.</summary>
public sealed record PartnerDelivery(Guid SubscriptionId, string Url, DeliveryResponse Delivery);

public sealed record DeliveryPage(IReadOnlyList<DeliveryResponse> Items, string? NextCursor);

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

        if (uri.Port == 0)
        {
            return "Port 0 is not a port a receiver can listen on.";
        }

        // The host as the HTTP client will look it up: IDNA (UTS 46) maps compatibility forms to ASCII, so "１２７.０.０.１",
        // "127。0。0。1", "①②⑦.0.0.1" and "ｌｏｃａｌｈｏｓｔ" are 127.0.0.1 and localhost, which Uri.Host and IsLoopback do
        // not see. A trailing dot names the same host ("127.0.0.1.", "localhost."), and resolvers read numeric names as
        // inet_aton does ("0x7f.1", "2130706433"): check the address the host stands for.
        var host = uri.IdnHost.TrimEnd('.');
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : NumericIPv4(host);
        if (!insecureAllowed && (uri.IsLoopback || (address is not null && IsPrivate(address)) || IsLocalHostName(host)))
        {
            return "Webhook URLs must point to a public host.";
        }

        return null;
    }

    /// <summary>
    /// Every address that is not globally reachable: loopback, private, shared (CGNAT), link-local (cloud metadata),
    /// documentation, benchmarking, multicast, reserved and broadcast ranges; in IPv6 the IANA special-purpose ranges that
    /// are not global (unique-local, link-local, site-local, multicast, documentation, SRv6 SIDs, …), and the forms that
    /// embed an IPv4 address: IPv4-mapped judged by its IPv4 address, the others (compatible, SIIT, NAT64, 6to4, Teredo) all.
    /// Refused at creation and again for each resolved address at delivery, so no name can lead a delivery inside.
    /// </summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var ranges = address.AddressFamily == AddressFamily.InterNetwork ? NonGlobalIPv4 : NonGlobalIPv6;
        return ranges.Any(range => range.Contains(address));
    }

    private static readonly IPNetwork[] NonGlobalIPv4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
        }.Select(IPNetwork.Parse),
    ];

    /// <summary>
    /// IANA's special-purpose IPv6 ranges that are not globally reachable, plus the deprecated or translator-only forms
    /// that embed an IPv4 address — refused whatever the IPv4 address is: IPv4-compatible ::/96 (deprecated, RFC 4291;
    /// it holds :: and ::1), SIIT ::ffff:0:0:0/96 (RFC 2765), NAT64, 6to4 and Teredo (inside 2001::/23): a translator or
    /// relay would carry the connection to an IPv4 address this check never sees. IPv4-mapped ::ffff:0:0/96 is not here:
    /// the socket connects to its IPv4 address, judged as one.
    /// </summary>
    private static readonly IPNetwork[] NonGlobalIPv6 =
    [
        .. new[]
        {
            "::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001:db8::/32",
            "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    /// <summary>
    /// The IPv4 address a host spells the way inet_aton reads it: one to four dot-separated numbers, each decimal, octal
    /// (leading 0) or hex (0x), the last filling the remaining bytes ("127.1", "0x7f.1", "0177.0.0.1"); null for a name.
    /// Uri canonicalises these forms only without a trailing dot.
    /// </summary>
    private static IPAddress? NumericIPv4(string host)
    {
        var parts = host.Split('.');
        if (parts.Length > 4)
        {
            return null;
        }

        ulong address = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var (digits, radix) = part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (part[2..], 16u)
                : part.Length > 1 && part[0] == '0' ? (part[1..], 8u) : (part, 10u);
            if (digits.Length == 0)
            {
                return null;
            }

            ulong value = 0;
            foreach (var c in digits)
            {
                var digit = char.IsAsciiDigit(c) ? (uint)(c - '0') : char.IsAsciiHexDigit(c) ? (uint)(char.ToLowerInvariant(c) - 'a' + 10) : uint.MaxValue;
                if (digit >= radix || (value = (value * radix) + digit) > uint.MaxValue)
                {
                    return null;
                }
            }

            var last = i == parts.Length - 1;
            var bits = last ? 8 * (4 - i) : 8;
            if (value >= 1UL << bits)
            {
                return null;
            }

            address = last ? (address << bits) | value : (address << 8) | value;
        }

        return new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);
    }

    /// <summary><c>localhost</c>, <c>localhost.</c> and every name under it (RFC 6761: they all resolve to loopback).</summary>
    private static bool IsLocalHostName(string host)
    {
        var name = host.TrimEnd('.');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }
}
