using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Attribution.Api.Conversions;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>A merchant's partner program: its attribution terms, commission plan, budgets, policies and redirect rules.</summary>
public sealed class PartnerProgram
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    /// <summary>The currency of fixed amounts, bonuses and budgets.</summary>
    public required string Currency { get; set; }

    public required string AttributionModel { get; set; }

    public int WindowDays { get; set; }

    public bool CouponPrecedence { get; set; }

    public bool CustomerCarriesCredit { get; set; }

    /// <summary>Repeated clicks of one visitor on one link within this many seconds collapse into the first.</summary>
    public int DuplicateClickWindowSeconds { get; set; }

    public int HoldDays { get; set; }

    public bool NoPaidSearch { get; set; }

    public int MinSecondsToConversion { get; set; }

    public int ClickFloodThreshold { get; set; }

    /// <summary>Where shoppers go when a code is unknown, inactive or its partner suspended.</summary>
    public string? FallbackUrl { get; set; }

    /// <summary>Hosts referral links may send shoppers to (exact, or <c>*.example.com</c> for subdomains); empty = any.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    public decimal? Budget { get; set; }

    /// <summary>Default cap of each partner's commission in this program (a partner's own budget overrides it).</summary>
    public decimal? PartnerBudget { get; set; }

    public int PlanVersion { get; set; }

    public required CommissionPlan Plan { get; set; }

    public string? IdempotencyKey { get; init; }

    /// <summary>What the creating request said (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>): the key's retries must say the same.</summary>
    public string? IdempotencyFingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public AttributionTerms Terms() =>
        new(AttributionModel, TimeSpan.FromDays(WindowDays), CouponPrecedence, CustomerCarriesCredit);

    public FraudPolicy FraudPolicy() =>
        new(TimeSpan.FromSeconds(MinSecondsToConversion), ClickFloodThreshold, NoPaidSearch);
}

/// <summary>Every version of a program's plan, kept: a booked commission names the version it was computed with.</summary>
public sealed class PlanVersion
{
    public Guid ProgramId { get; init; }

    public int Version { get; init; }

    public required CommissionPlan Plan { get; init; }

    public DateTimeOffset EffectiveFrom { get; init; }
}

/// <summary>A version of a program's partner agreement; partners earn only once they accepted the latest.</summary>
public sealed class Agreement
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public int Version { get; init; }

    public required string Title { get; init; }

    public required string Body { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>What the creating request said (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>): the key's retries must say the same.</summary>
    public string? IdempotencyFingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class AgreementAcceptance
{
    public Guid AgreementId { get; init; }

    public Guid PartnerId { get; init; }

    public DateTimeOffset AcceptedAt { get; init; }
}
