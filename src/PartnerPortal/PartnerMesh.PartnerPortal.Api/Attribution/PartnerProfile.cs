namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>
/// The partner as attribution-api tells it (<c>GET /api/attribution/me</c>; the portal's own copy: services share no
/// projects). <c>/portal/api/profile</c> passes that answer on, so every member it carries is declared here; the portal
/// itself reads only <see cref="ProgramId"/>, and the others are init members so that reading never depends on them.
/// </summary>
/// <param name="ProgramId">The partner's program; null for a partner with a flat rate and no program (hence no agreements).</param>
public sealed record PartnerProfile(Guid Id, string Name, Guid? ProgramId)
{
    public string Email { get; init; } = "";

    /// <summary><c>affiliate</c>, <c>influencer</c> or <c>ambassador</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary><c>invited</c>, <c>active</c> or <c>suspended</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The flat rate (0 to 0.9) for a partner without a program.</summary>
    public decimal CommissionRate { get; init; }

    /// <summary>The most the partner may earn, if capped.</summary>
    public decimal? Budget { get; init; }

    /// <summary>An ambassador's customer id in the shop.</summary>
    public string? CustomerId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A version of the program's agreement; a partner earns only once it has accepted the latest one.</summary>
public sealed record ProgramAgreement(Guid Id, Guid ProgramId, int Version, string Title, string Body, DateTimeOffset CreatedAt);
