using BenchmarkDotNet.Attributes;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Benchmarks;

/// <summary>
/// One evaluation of a 10-line cart (with one code entered) against N live promotions, the realistic mix of the
/// promotions issue: most target products or categories the cart does not hold; a few target the cart's products or
/// categories; a few are generic (no item filter: subtotal, segment, touchpoint, shipping); a few need a code.
/// <see cref="Mix"/> "scaled": matching 0.2 % (at least 2), generic 0.5 % (at least 3), code-gated 1 % (at least 2), so the
/// promotions a cart concerns grow with N (70 candidates at 10,000); "fixed": 2 matching, 3 generic and 2 code-gated at
/// every N, the rest non-matching (what the index alone costs as N grows).
/// </summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private RuleSet _rules = RuleSet.Empty;
    private Cart _cart = null!;
    private EvaluationContext _context = null!;

    [Params(10, 100, 1_000, 10_000)]
    public int Promotions { get; set; }

    [Params("scaled", "fixed")]
    public string Mix { get; set; } = "scaled";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260314);
        _cart = new Cart
        {
            Currency = "EUR",
            Shipping = 4.90m,
            Lines = [.. Enumerable.Range(1, 10).Select(index => new CartLine
            {
                Id = $"line-{index:D2}",
                ProductId = $"sku-{index}",
                Quantity = 1 + index % 3,
                UnitPrice = 5.00m + index * 7.35m,
                Categories = [$"cat-{index % 4}"],
                Collections = index % 5 == 0 ? ["summer"] : [],
            })],
        };
        _context = new EvaluationContext
        {
            At = new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero),
            Customer = new Customer { Id = "customer-1", Segments = ["vip"], PreviousOrders = 3 },
            VisitorId = "visitor-1",
            UtmSource = "newsletter",
            Codes = ["code-1"],
            Touchpoint = Touchpoint.Cart,
        };

        var scaled = Mix == "scaled";
        var matching = scaled ? Math.Max(2, Promotions / 500) : 2;
        var generic = scaled ? Math.Max(3, Promotions / 200) : 3;
        var codeGated = scaled ? Math.Max(2, Promotions / 100) : 2;
        var promotions = new List<CompiledPromotion>(Promotions);
        for (var index = 0; index < Promotions; index++)
        {
            var definition = index switch
            {
                _ when index < matching => Targeted(random, $"sku-{1 + index % 10}", $"cat-{index % 4}"),
                _ when index < matching + generic => Generic(index),
                _ when index < matching + generic + codeGated => CodeGated(index),
                _ => Targeted(random, $"sku-{100 + random.Next(1_000_000)}", $"cat-{100 + random.Next(5_000)}"),
            };
            promotions.Add(new CompiledPromotion(new Guid(index + 1, 0, 0, new byte[8]), 1, definition));
        }

        _rules = new RuleSet(1, promotions);
        var check = Evaluate();
        if (check.Applied.Count == 0)
        {
            throw new InvalidOperationException("The benchmark cart should get some promotions.");
        }
    }

    [Benchmark]
    public EvaluationResult Evaluate() => PromotionEvaluator.Evaluate(_rules, _cart, _context);

    internal RuleSet Rules => _rules;
    internal Cart BenchCart => _cart;
    internal EvaluationContext BenchContext => _context;

    /// <summary>A promotion on one product or one category, half of them with an items condition.</summary>
    private static PromotionDefinition Targeted(Random random, string product, string category)
    {
        var filter = random.Next(2) == 0 ? new ItemFilter { ProductIds = [product] } : new ItemFilter { Categories = [category] };
        PromotionAction action = random.Next(4) switch
        {
            0 => new PercentOffItems(5 + random.Next(30), filter),
            1 => new FixedOffItems(1.00m + random.Next(5), filter),
            2 => new BuyXGetY(2, 1, filter),
            _ => new FixedPrice(9.99m, filter),
        };
        return new PromotionDefinition
        {
            Name = "targeted",
            Action = action,
            Currency = "EUR",
            Priority = random.Next(100),
            Conditions = random.Next(2) == 0 ? [new ItemsCondition(filter, 1 + random.Next(2))] : [],
        };
    }

    private static PromotionDefinition Generic(int index) => (index % 5) switch
    {
        0 => new PromotionDefinition { Name = "spend more", Currency = "EUR", Action = new TieredOrderDiscount([new DiscountTier(100m, AmountOff: 10m), new DiscountTier(200m, AmountOff: 30m)]) },
        1 => new PromotionDefinition { Name = "vip", Action = new PercentOffOrder(10m, 50m), Currency = "EUR", Conditions = [new CustomerSegmentCondition(["vip"])] },
        2 => new PromotionDefinition { Name = "free shipping", Action = new FreeShipping(), Currency = "EUR", Conditions = [new CartSubtotalCondition(50m)] },
        3 => new PromotionDefinition { Name = "newsletter", Action = new PercentOffItems(5m), Conditions = [new TrafficSourceCondition(["newsletter"]), new TouchpointCondition([Touchpoint.Cart, Touchpoint.Checkout])] },
        _ => new PromotionDefinition { Name = "first order", Action = new FixedOffOrder(15m), Currency = "EUR", Conditions = [new FirstOrderCondition()] },
    };

    private static PromotionDefinition CodeGated(int index) => new()
    {
        Name = "code",
        Action = new PercentOffOrder(10m),
        RequiresCode = true,
        Codes = [$"CODE-{index % 50}"],
    };
}
