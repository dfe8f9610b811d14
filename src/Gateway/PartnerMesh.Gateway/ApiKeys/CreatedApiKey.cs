namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>A new key and its plain text, which exists only in this response.</summary>
public sealed record CreatedApiKey(ApiKey Key, string PlainTextKey);
