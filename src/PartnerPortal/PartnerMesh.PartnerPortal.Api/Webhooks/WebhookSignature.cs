using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// How deliveries are signed, for receivers to check: header <c>PartnerMesh-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// where hex is HMAC-SHA256 with the subscription's secret over <c>"&lt;t&gt;.&lt;body&gt;"</c>. For a while after a secret
/// rotation the header carries one <c>v1</c> per secret (the new one first, then the previous one); a receiver accepts
/// the delivery when any <c>v1</c> matches the secret it has. It recomputes it, compares in constant time, refuses a
/// timestamp more than five minutes from its clock (replay window) and keeps the <c>PartnerMesh-Event-Id</c> of what it
/// processed (a retried delivery carries the same one).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "PartnerMesh-Signature";
    public const string EventIdHeader = "PartnerMesh-Event-Id";
    public const string EventTypeHeader = "PartnerMesh-Event-Type";
    public const string DeliveryIdHeader = "PartnerMesh-Delivery-Id";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long timestamp, string body) => Sign([secret], timestamp, body);

    /// <summary><c>t=&lt;timestamp&gt;</c> then one <c>v1=</c> per secret, in the order given (the newest secret first).</summary>
    public static string Sign(IEnumerable<string> secrets, long timestamp, string body) =>
        string.Join(',', secrets.Select(secret => $"v1={Hmac(secret, timestamp, body)}").Prepend($"t={timestamp}"));

    /// <summary>What a receiver does (any <c>v1</c> may match); here for the documentation's example and the tests' receiver.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(part => part.Trim().Split('=', 2)).Where(pair => pair.Length == 2).ToList();
        if (parts.FirstOrDefault(pair => pair[0] == "t") is not [_, var t] || !long.TryParse(t, out var timestamp)
            || (now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > Tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Hmac(secret, timestamp, body));
        return parts.Where(pair => pair[0] == "v1").Any(pair => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(pair[1])));
    }

    private static string Hmac(string secret, long timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
