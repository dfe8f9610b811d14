using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>The priced cart, every applied and every rejected candidate with its reason, and the quote to order with.</summary>
public sealed record EvaluationResponse(
    string Currency,
    IReadOnlyList<LineResult> Lines,
    Totals Totals,
    IReadOnlyList<AppliedPromotion> Applied,
    IReadOnlyList<RejectedPromotion> NotApplied,
    IReadOnlyList<CodeResult> Codes,
    IReadOnlyList<GiftItem> Gifts,
    IReadOnlyList<GiftItem> GiftsNotDue,
    long RuleSetVersion,
    Quote? Quote)
{
    public static EvaluationResponse From(EvaluationResult result, Quote? quote) =>
        new(result.Currency, result.Lines, result.Totals, result.Applied, result.NotApplied, result.Codes, result.Gifts,
            result.GiftsNotDue, result.RuleSetVersion, quote);
}
