using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>Small builders: carts, contexts, promotions and rule sets with readable defaults.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Now = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    public static CartLine Line(
        string id, string productId, int quantity, decimal unitPrice, string[]? categories = null, string[]? collections = null) => new()
    {
        Id = id,
        ProductId = productId,
        Quantity = quantity,
        UnitPrice = unitPrice,
        Categories = categories ?? [],
        Collections = collections ?? [],
    };

    public static Cart Cart(params CartLine[] lines) => new() { Currency = "EUR", Lines = lines };

    public static Cart Cart(string currency, decimal shipping, params CartLine[] lines) =>
        new() { Currency = currency, Lines = lines, Shipping = shipping };

    public static EvaluationContext Context(params string[] codes) => new() { At = Now, Codes = codes, VisitorId = "visitor-1" };

    public static PromotionDefinition Definition(PromotionAction action, params Condition[] conditions) => new()
    {
        Name = action.GetType().Name,
        Action = action,
        Conditions = conditions,
        Currency = "EUR",
    };

    public static Guid Id(int number) => new($"00000000-0000-0000-0000-{number:D12}");

    public static CompiledPromotion Compile(int number, PromotionDefinition definition) => new(Id(number), 1, definition);

    public static RuleSet Rules(params PromotionDefinition[] definitions) => Rules(StackingMode.Stack, definitions);

    public static RuleSet Rules(StackingMode mode, params PromotionDefinition[] definitions) =>
        new(1, definitions.Select((definition, index) => Compile(index + 1, definition)), mode);

    public static EvaluationResult Evaluate(RuleSet rules, Cart cart, EvaluationContext? context = null,
        IReadOnlyDictionary<Guid, Exclusion>? exclusions = null) =>
        PromotionEvaluator.Evaluate(rules, cart, context ?? Context(), exclusions);

    public static EvaluationResult Evaluate(PromotionDefinition definition, Cart cart, EvaluationContext? context = null) =>
        Evaluate(Rules(definition), cart, context);

    public static ItemFilter Products(params string[] ids) => new() { ProductIds = ids };

    public static ItemFilter Categories(params string[] categories) => new() { Categories = categories };

    public static ItemFilter Collections(params string[] collections) => new() { Collections = collections };

    public static string ReasonOf(EvaluationResult result, int promotion) =>
        Assert.Single(result.NotApplied, rejected => rejected.PromotionId == Id(promotion)).Reason;

    public static AppliedPromotion AppliedOf(EvaluationResult result, int promotion) =>
        Assert.Single(result.Applied, applied => applied.PromotionId == Id(promotion));

    public static LineResult LineOf(EvaluationResult result, string id) => Assert.Single(result.Lines, line => line.Id == id);
}
