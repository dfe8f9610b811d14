using BenchmarkDotNet.Attributes;
using PartnerMesh.Promotions.Domain.Audit;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Benchmarks;

/// <summary>
/// The cost of experiments and rollouts on the hot path: the evaluator benchmark's 1,000-promotion rule set ("scaled"
/// mix) evaluated as is, and again with the promotions the cart concerns split into a running two-variant experiment with
/// a holdout and a 50 % staged rollout. The target: within 10 % of the plain evaluation.
/// </summary>
[MemoryDiagnoser]
public class ExperimentBenchmarks
{
    private readonly EvaluatorBenchmarks _plain = new() { Promotions = 1_000, Mix = "scaled" };
    private RuleSet _withExperiment = RuleSet.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _plain.Setup();
        var rules = _plain.Rules;
        var concerned = rules.CandidatesFor(new CartView(_plain.BenchCart), ["CODE-1"]).Select(promotion => promotion.Id).ToHashSet();
        var variants = concerned.Take(2).ToList();
        var experiment = new ExperimentDefinition(Guid.NewGuid(), [new ExperimentVariant("a", variants[0], 50), new ExperimentVariant("b", variants[1], 50)], HoldoutPercent: 10);
        var promotions = rules.Promotions.Select(promotion => concerned.Contains(promotion.Id) && !variants.Contains(promotion.Id)
            ? new CompiledPromotion(promotion.Id, promotion.Version, promotion.Definition with { RolloutPercent = 50 })
            : promotion);
        _withExperiment = new RuleSet(2, promotions, experiments: [experiment]);
    }

    [Benchmark(Baseline = true)]
    public EvaluationResult Plain() => PromotionEvaluator.Evaluate(_plain.Rules, _plain.BenchCart, _plain.BenchContext);

    [Benchmark]
    public EvaluationResult WithExperimentAndRollout() => PromotionEvaluator.Evaluate(_withExperiment, _plain.BenchCart, _plain.BenchContext);
}

/// <summary>The promotion audit over 10,000 live promotions (target ≤ 2 s): the evaluator benchmark's realistic mix, with
/// one in fifty exclusive and a configured maximum combined discount so every check runs.</summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private readonly List<AuditedPromotion> _promotions = [];

    [GlobalSetup]
    public void Setup()
    {
        var source = new EvaluatorBenchmarks { Promotions = 10_000, Mix = "scaled" };
        source.Setup();
        foreach (var (promotion, index) in source.Rules.Promotions.Select((promotion, index) => (promotion, index)))
        {
            _promotions.Add(new AuditedPromotion(promotion.Id,
                index % 50 == 0 ? promotion.Definition with { Exclusivity = Exclusivity.Exclusive } : promotion.Definition));
        }
    }

    [Benchmark]
    public int Audit10000() => PromotionAudit.Run(_promotions, StackingMode.Stack, 60m, new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero)).Count;
}
