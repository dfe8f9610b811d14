using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PartnerMesh.Surveys.Api.EmailLinks;

/// <summary>What a valid link says: the showing it answers, its survey and when it stops working.</summary>
public sealed record EmailLinkClaims(Guid ImpressionId, Guid SurveyId, DateTimeOffset ExpiresAt);

/// <summary>
/// Email-link tokens: <c>base64url(payload).base64url(HMAC-SHA256(payload))</c>, the payload
/// <c>v1|impression|survey|expires-unix-ms</c>. Any change breaks the signature, and only the issued spelling is read
/// (no padding, whitespace or other encoding of the same bytes); "works once" is the database's job (one response per
/// impression).
/// </summary>
public sealed class EmailLinkSigner(IOptions<SurveysOptions> options)
{
    public const int MaxTokenLength = 256;
    private const string Version = "v1";

    private readonly byte[] _key = Convert.FromBase64String(options.Value.EmailLinkSigningKey);

    public string Sign(EmailLinkClaims claims)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join('|', Version, claims.ImpressionId.ToString("N"), claims.SurveyId.ToString("N"),
            claims.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload))}";
    }

    /// <summary>The claims of an authentic token (expired or not), or null when it is malformed or tampered with.</summary>
    public EmailLinkClaims? Read(string? token)
    {
        if (token is null || token.Length > MaxTokenLength || token.Split('.') is not [var payloadText, _])
        {
            return null;
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(payloadText);
        }
        catch (FormatException)
        {
            return null;
        }

        // The decoder forgives padding, whitespace and stray bits; the token must be exactly the one issued for these bytes.
        var issued = $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload))}";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(issued), Encoding.ASCII.GetBytes(token)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        return parts is [Version, var impression, var survey, var expires]
            && Guid.TryParseExact(impression, "N", out var impressionId)
            && Guid.TryParseExact(survey, "N", out var surveyId)
            && long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresMs)
                ? new EmailLinkClaims(impressionId, surveyId, DateTimeOffset.FromUnixTimeMilliseconds(expiresMs))
                : null;
    }
}
