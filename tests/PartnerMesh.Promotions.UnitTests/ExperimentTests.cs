using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.Promotions.Domain.Experiments;
using Xunit;
using static PartnerMesh.Promotions.UnitTests.Build;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>Experiments in the engine: sticky assignment by weight with a holdout, each variant's promotion for its own
/// visitors only, exposures reported, partner scoping — and rollouts that only ever add visitors when raised.</summary>
public sealed class ExperimentTests
{
    private static readonly Cart Hundred = Cart("EUR", 5.00m, Line("a", "p-1", 1, 100m));
    private static readonly Guid ExperimentId = Guid.Parse("7f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");

    private static ExperimentDefinition TwoVariants(int holdout = 0, Guid? partner = null, int weightA = 50) => new(
        ExperimentId, [new ExperimentVariant("a", Id(1), weightA), new ExperimentVariant("b", Id(2), 100 - weightA)], holdout, partner);

    private static RuleSet Rules(ExperimentDefinition experiment) => new(1,
        [Compile(1, Definition(new PercentOffOrder(10m))), Compile(2, Definition(new PercentOffOrder(20m))), Compile(3, Definition(new FreeShipping()))],
        experiments: [experiment]);

    [Fact]
    public void Assignment_IsStickyForAVisitor_AndSplitsByWeight()
    {
        var experiment = TwoVariants(holdout: 20, weightA: 25);
        var visitors = Enumerable.Range(0, 20_000).Select(index => $"visitor-{index}").ToList();

        var first = visitors.Select(visitor => ExperimentAssignment.Assign(experiment, visitor)).ToList();
        var again = visitors.Select(visitor => ExperimentAssignment.Assign(experiment, visitor)).ToList();

        Assert.Equal(first, again);
        Assert.InRange(first.Count(variant => variant == ExperimentAssignment.Holdout) / 20_000.0, 0.18, 0.22);
        Assert.InRange(first.Count(variant => variant == "a") / 20_000.0, 0.18, 0.22); // 25 % of the 80 % outside the holdout
        Assert.InRange(first.Count(variant => variant == "b") / 20_000.0, 0.58, 0.62);
    }

    [Fact]
    public void Assignment_DependsOnTheExperiment_NotOnlyOnTheVisitor()
    {
        var other = TwoVariants() with { Id = Guid.NewGuid() };
        var visitors = Enumerable.Range(0, 2_000).Select(index => $"v{index}").ToList();

        var differs = visitors.Count(visitor => ExperimentAssignment.Assign(TwoVariants(), visitor) != ExperimentAssignment.Assign(other, visitor));

        Assert.InRange(differs, 700, 1_300); // independent splits: about half differ
    }

    [Fact]
    public void Evaluate_VisitorGetsOnlyTheirVariantsPromotion_AndIsExposedOnce()
    {
        var experiment = TwoVariants();
        var visitor = Enumerable.Range(0, 100).Select(index => $"v{index}").First(id => ExperimentAssignment.Assign(experiment, id) == "b");

        var result = Evaluate(Rules(experiment), Hundred, Context() with { VisitorId = visitor });

        Assert.Equal(20.00m, AppliedOf(result, 2).Amount);
        Assert.Equal(ReasonCodes.NotInVariant, ReasonOf(result, 1));
        AppliedOf(result, 3); // not in the experiment: applies to everyone
        Assert.Equal([new ExperimentExposure(ExperimentId, "b")], result.Exposures);
    }

    [Fact]
    public void Evaluate_HoldoutVisitor_GetsNoVariant_AndIsExposedAsHoldout()
    {
        var experiment = TwoVariants(holdout: 50);
        var visitor = Enumerable.Range(0, 100).Select(index => $"v{index}").First(id => ExperimentAssignment.Assign(experiment, id) == ExperimentAssignment.Holdout);

        var result = Evaluate(Rules(experiment), Hundred, Context() with { VisitorId = visitor });

        Assert.Equal(ReasonCodes.ExperimentHoldout, ReasonOf(result, 1));
        Assert.Equal(ReasonCodes.ExperimentHoldout, ReasonOf(result, 2));
        Assert.Equal(ExperimentAssignment.Holdout, Assert.Single(result.Exposures).Variant);
    }

    [Fact]
    public void Evaluate_SameVisitorAtEveryTouchpoint_SameVariant()
    {
        var rules = Rules(TwoVariants());
        foreach (var visitor in Enumerable.Range(0, 50).Select(index => $"visitor-{index}"))
        {
            var answers = Enum.GetValues<Touchpoint>().Select(touchpoint =>
                Evaluate(rules, Hundred, Context() with { VisitorId = visitor, Touchpoint = touchpoint }).Exposures.Single().Variant);
            Assert.Single(answers.Distinct());
        }
    }

    [Fact]
    public void Evaluate_ConditionsNotMet_NoExposure()
    {
        var experiment = TwoVariants();
        var rules = new RuleSet(1,
            [Compile(1, Definition(new PercentOffOrder(10m), new CartSubtotalCondition(500m))), Compile(2, Definition(new PercentOffOrder(20m), new CartSubtotalCondition(500m)))],
            experiments: [experiment]);

        var result = Evaluate(rules, Hundred);

        Assert.Empty(result.Exposures);
        Assert.Equal(ReasonCodes.ConditionNotMet, ReasonOf(result, 1));
    }

    [Fact]
    public void Evaluate_PartnerScopedExperiment_OtherTrafficIsNotInIt_NoExposure()
    {
        var partner = Guid.NewGuid();
        var rules = Rules(TwoVariants(partner: partner));

        var other = Evaluate(rules, Hundred, Context() with { PartnerId = Guid.NewGuid() });
        var theirs = Evaluate(rules, Hundred, Context() with { PartnerId = partner });

        Assert.Equal(ReasonCodes.NotInExperiment, ReasonOf(other, 1));
        Assert.Equal(ReasonCodes.NotInExperiment, ReasonOf(other, 2));
        Assert.Empty(other.Exposures);
        Assert.Single(theirs.Exposures);
        Assert.Single(theirs.Applied, applied => applied.PromotionId == Id(1) || applied.PromotionId == Id(2));
    }

    [Fact]
    public void Evaluate_NoStableId_NotInExperiment()
    {
        var result = Evaluate(Rules(TwoVariants()), Hundred, Context() with { VisitorId = null });

        Assert.Equal(ReasonCodes.NotInExperiment, ReasonOf(result, 1));
        Assert.Empty(result.Exposures);
    }

    [Fact]
    public void Rollout_RaisedFrom10To50Percent_KeepsEveryoneWhoWasIn()
    {
        var visitors = Enumerable.Range(0, 5_000).Select(index => $"visitor-{index}").ToList();
        HashSet<string> In(int percent)
        {
            var rules = Build.Rules(Definition(new FixedOffOrder(5.00m)) with { RolloutPercent = percent });
            return [.. visitors.Where(visitor => Evaluate(rules, Hundred, Context() with { VisitorId = visitor }).Applied.Count == 1)];
        }

        var ten = In(10);
        var fifty = In(50);

        Assert.Subset(fifty, ten);
        Assert.InRange(ten.Count / 5_000.0, 0.08, 0.12);
        Assert.InRange(fifty.Count / 5_000.0, 0.47, 0.53);
    }
}

/// <summary>The significance computations against values computed independently: standard normal and t tables, and the
/// formulas worked by hand with Python's math module (the t distribution's tail by numerical integration of its density).</summary>
public sealed class ExperimentStatisticsTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959964, 0.975)]
    [InlineData(-1.644854, 0.05)]
    [InlineData(2.575829, 0.995)]
    public void NormalCdf_MatchesTheTable(double x, double expected) =>
        Assert.Equal(expected, ExperimentStatistics.NormalCdf(x), 6);

    [Theory]
    [InlineData(2.228139, 10, 0.975)]
    [InlineData(1.812461, 10, 0.95)]
    [InlineData(2.042272, 30, 0.975)]
    [InlineData(-2.570582, 5, 0.025)]
    public void StudentCdf_MatchesTheTable(double t, double degrees, double expected) =>
        Assert.Equal(expected, ExperimentStatistics.StudentCdf(t, degrees), 5);

    [Fact]
    public void TwoProportionZTest_KnownValues()
    {
        // 120 of 1,000 against 100 of 1,000: pooled p 0.11, z = 0.02 / 0.013993 = 1.4293, p = 0.1529;
        // unpooled standard error 0.013986, 95 % CI of the difference -0.00741 … 0.04741.
        var test = ExperimentStatistics.CompareProportions(120, 1_000, 100, 1_000)!;

        Assert.Equal(0.02, test.Difference, 10);
        Assert.Equal(1.4293, test.Z, 3);
        Assert.Equal(0.1529, test.PValue, 3);
        Assert.Equal(-0.00741, test.LowerBound, 4);
        Assert.Equal(0.04741, test.UpperBound, 4);
        Assert.False(test.IsSignificant);
    }

    [Fact]
    public void TwoProportionZTest_ClearDifference_IsSignificant()
    {
        var test = ExperimentStatistics.CompareProportions(300, 2_000, 200, 2_000)!;

        Assert.True(test.IsSignificant);
        Assert.True(test.LowerBound > 0);
    }

    [Fact]
    public void TwoProportionZTest_EmptyGroup_IsNull() => Assert.Null(ExperimentStatistics.CompareProportions(0, 0, 5, 10));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(40, 60)]
    public void TwoProportionZTest_NoSpread_NoConversionsOrEveryoneConverted_IsNull(long variantSuccesses, long baselineSuccesses) =>
        Assert.Null(ExperimentStatistics.CompareProportions(variantSuccesses, 40, baselineSuccesses, 60));

    [Fact]
    public void WelchTTest_KnownValues()
    {
        // x = 19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0; y = 28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6,
        // 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3: difference -2.22, t = -2.2255, df = 24.525,
        // p = 0.03548, 95 % CI -4.2765 … -0.1635.
        double[] x = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0];
        double[] y = [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3];

        var test = ExperimentStatistics.CompareMeans(Moments(x), Moments(y))!;

        Assert.Equal(-2.2255, test.T, 3);
        Assert.Equal(24.525, test.DegreesOfFreedom, 2);
        Assert.Equal(0.03548, test.PValue, 4);
        Assert.Equal(-4.2765, test.LowerBound, 3);
        Assert.Equal(-0.1635, test.UpperBound, 3);
        Assert.True(test.IsSignificant);
    }

    [Fact]
    public void WelchTTest_TooFewOrders_IsNull() =>
        Assert.Null(ExperimentStatistics.CompareMeans(new SampleMoments(1, 10m, 100m), new SampleMoments(5, 50m, 600m)));

    [Theory]
    [InlineData(45.67, 19.99)]
    [InlineData(45.67, 24.99)]
    [InlineData(0.1, 0.3)]
    public void WelchTTest_EqualOrdersInEachArm_NoVariance_IsUndefinedNotSignificant(double variant, double baseline)
    {
        // Equal totals have no spread: the variance must be exactly 0, not the rounding noise of Σx² − n·mean² in double.
        var test = ExperimentStatistics.CompareMeans(Moments([variant, variant, variant]), Moments([baseline, baseline, baseline]));

        Assert.Null(test);
        Assert.Equal(0, Moments([variant, variant, variant]).Variance);
        Assert.Equal(0, Moments([baseline, baseline, baseline]).Variance);
    }

    [Fact]
    public void WelchTTest_OneArmWithoutSpread_StillTested()
    {
        var test = ExperimentStatistics.CompareMeans(Moments([99.97, 99.97, 99.97]), Moments([89.97, 95.5, 92.1]))!;

        Assert.Equal(0, Moments([99.97, 99.97, 99.97]).Variance);
        Assert.InRange(test.T, 1, 100);
    }

    private static SampleMoments Moments(double[] values) =>
        new(values.Length, values.Sum(value => (decimal)value), values.Sum(value => (decimal)value * (decimal)value));
}
