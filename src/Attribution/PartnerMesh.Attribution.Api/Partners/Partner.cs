namespace PartnerMesh.Attribution.Api.Partners;

public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Email { get; init; }

    /// <summary>Lower-cased email: the unique key, so emails are unique case-insensitively.</summary>
    public required string NormalizedEmail { get; init; }

    public required string Kind { get; init; }

    /// <summary>The flat rate partners without a program earn (programs pay by their plan).</summary>
    public decimal CommissionRate { get; init; }

    /// <summary><c>invited</c>, <c>pending</c>, <c>active</c> or <c>suspended</c>; only active partners' links redirect with credit and earn.</summary>
    public string Status { get; set; } = PartnerStatus.Active;

    public Guid? ProgramId { get; init; }

    /// <summary>The storefront's customer id when the partner is also a customer (ambassadors): self-referral checks use it.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Cap of this partner's commission (program currency); overrides the program's partner budget.</summary>
    public decimal? Budget { get; set; }

    public string? IdempotencyKey { get; init; }

    /// <summary>What the creating request said (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>): the key's retries must say the same.</summary>
    public string? IdempotencyFingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class PartnerStatus
{
    public const string Invited = "invited";
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Suspended = "suspended";

    public static readonly IReadOnlyList<string> All = [Invited, Pending, Active, Suspended];
}
