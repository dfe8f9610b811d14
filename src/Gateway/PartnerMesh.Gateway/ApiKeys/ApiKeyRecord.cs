namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>What authentication needs to know about a key; cached briefly in memory.</summary>
public sealed record ApiKeyRecord(string Scope, byte[] SecretHash, int RateLimitPerMinute, bool IsRevoked, DateTimeOffset? ExpiresAt);
