namespace PartnerMesh.StorefrontSimulator.Gateway;

// The gateway's request and response shapes as far as the simulator needs them. Ids stay strings: the simulator only
// passes them back.

public sealed record CreateApiKeyRequest(string Name, string Scope, int? RateLimitPerMinute);

public sealed record ApiKeyResponse(string Id, string Name, string Scope, int? RateLimitPerMinute, string ApiKey);

public sealed record CreatePartnerRequest(string Name, string Email, string Kind, decimal CommissionRate);

public sealed record PartnerResponse(string Id, string Name, string? Email, string? Kind, decimal? CommissionRate);

public sealed record PartnerPage(IReadOnlyList<PartnerResponse>? Items, string? NextCursor);

public sealed record CreateLinkRequest(string TargetUrl, string? Code);

public sealed record LinkResponse(string Id, string? PartnerId, string Code, string? TargetUrl, string? TrackingPath, bool? Active = null);

public sealed record ConversionRequest(string OrderId, string? ClickId, decimal Amount, string Currency, DateTimeOffset? OrderedAt);

public sealed record ConversionResponse(string ConversionId, string? OrderId, bool Attributed, string? PartnerId, decimal? CommissionAmount);

public sealed record CreatePortalAccountRequest(string PartnerId, string Email, string Password);

// Analytics reports money per currency (a "sales" list per day and in the totals); the simulator only counts clicks and
// orders (orders in all currencies), so it reads no money.

public sealed record DailyKpiResponse(string? PartnerId, IReadOnlyList<DailyKpi>? Days, KpiTotals? Totals);

public sealed record DailyKpi(string? Day, long Clicks, long Orders);

public sealed record KpiTotals(long Clicks, long Orders);
