using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Promotions.Api.EvaluationLog;

/// <summary>
/// One logged evaluation or order verification: who and what (order, quote, visitor, customer, partner), the outcome, the
/// totals, every promotion it concerned (<see cref="PromotionIds"/>, for search) and <see cref="Summary"/> (jsonb: the
/// request in brief, what applied with amounts, what did not with reason codes).
/// </summary>
public sealed class EvaluationLogEntry
{
    public required Guid Id { get; init; }
    public required DateTimeOffset LoggedAt { get; init; }
    public required string Kind { get; init; }
    public required string Outcome { get; init; }
    public string? Reason { get; init; }
    public string? OrderId { get; init; }
    public Guid? QuoteId { get; init; }
    public string? VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? Touchpoint { get; init; }
    public long? RuleSetVersion { get; init; }
    public string? Currency { get; init; }
    public decimal? GrandTotal { get; init; }
    public decimal? DiscountTotal { get; init; }
    public required Guid[] PromotionIds { get; init; }
    public required string Summary { get; init; }
}

public static class EvaluationLogKinds
{
    public const string Evaluation = "evaluation";
    public const string OrderVerification = "order_verification";
}

public static class EvaluationLogOutcomes
{
    public const string Evaluated = "evaluated";
    public const string Error = "error";
}

/// <summary><c>Promotions:EvaluationLog</c>: the share of ordinary evaluations and verifications logged (mismatches and
/// errors always are), how long rows are kept, and how often the sweeper deletes older ones.</summary>
public sealed class EvaluationLogOptions
{
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 0.01;

    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
