namespace PartnerMesh.Attribution.Api.Leads;

/// <summary>A lead a storefront reported (a sign-up, a newsletter subscription, a quote request): one per lead id.</summary>
public sealed class Lead
{
    public Guid Id { get; init; }

    public required string LeadId { get; init; }

    /// <summary>What kind of lead the storefront says it is (e.g. <c>signup</c>); informational.</summary>
    public string? Kind { get; init; }

    public Guid? ClickId { get; init; }

    /// <summary>The click the storefront reported (idempotency compares it); <see cref="ClickId"/> is the crediting click.</summary>
    public Guid? ReportedClickId { get; init; }

    public Guid? PartnerId { get; init; }

    public Guid? ProgramId { get; init; }

    public bool Attributed { get; init; }

    public required string Reason { get; init; }

    public Guid? CommissionId { get; init; }

    public decimal CommissionAmount { get; init; }

    public string? CommissionCurrency { get; init; }

    /// <summary>Why an attributed lead earned nothing (no per-lead terms, agreement not accepted, partner not active, budget).</summary>
    public string? CommissionNote { get; init; }

    public string? CustomerId { get; init; }

    public string? CustomerEmail { get; init; }

    public string? VisitorId { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
