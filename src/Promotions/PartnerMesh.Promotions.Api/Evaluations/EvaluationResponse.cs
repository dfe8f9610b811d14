using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>The priced cart, every applied and every rejected candidate with its reason, the partner whose traffic it was
/// taken for (null: none), and the quote to order with.</summary>
public record EvaluationResponse(
    string Currency,
    IReadOnlyList<LineResult> Lines,
    Totals Totals,
    IReadOnlyList<AppliedPromotion> Applied,
    IReadOnlyList<RejectedPromotion> NotApplied,
    IReadOnlyList<CodeResult> Codes,
    IReadOnlyList<GiftItem> Gifts,
    IReadOnlyList<GiftItem> GiftsNotDue,
    long RuleSetVersion,
    TrafficPartner? Partner,
    Quote? Quote)
{
    public static EvaluationResponse From(EvaluationResult result, TrafficPartner? partner, Quote? quote) =>
        new(result.Currency, result.Lines, result.Totals, result.Applied, result.NotApplied, result.Codes, result.Gifts,
            result.GiftsNotDue, result.RuleSetVersion, partner, quote);
}
