using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// How deliveries are signed, for receivers to check: header <c>PartnerMesh-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// where hex is HMAC-SHA256 with the subscription's secret over <c>"&lt;t&gt;.&lt;body&gt;"</c>. A receiver recomputes it,
/// compares in constant time, refuses a timestamp more than five minutes from its clock (replay window) and keeps the
/// <c>PartnerMesh-Event-Id</c> of what it processed (a retried delivery carries the same one).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "PartnerMesh-Signature";
    public const string EventIdHeader = "PartnerMesh-Event-Id";
    public const string EventTypeHeader = "PartnerMesh-Event-Type";
    public const string DeliveryIdHeader = "PartnerMesh-Delivery-Id";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long timestamp, string body) =>
        $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")))}";

    /// <summary>What a receiver does; here for the documentation's example and the tests' receiver.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var timestamp) || !parts.TryGetValue("v1", out var signature)
            || (now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > Tolerance)
        {
            return false;
        }

        var expected = Sign(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(header.Trim()));
    }
}
