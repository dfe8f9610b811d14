using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Api.Experiments;

internal static class ExperimentResultsCalculator
{
    public const string Method =
        "conversion: two-proportion z-test (pooled SE), 95 % CI of the difference (unpooled SE); average order value: Welch's t-test, 95 % CI; both two-sided, against the baseline";

    public static IReadOnlyList<VariantResult> Compute(
        IReadOnlyList<(string Key, Guid? PromotionId)> groups, IReadOnlyDictionary<string, ExperimentVariantStats> stats, string baselineKey)
    {
        ExperimentVariantStats Of(string key) => stats.GetValueOrDefault(key) ?? new ExperimentVariantStats { ExperimentId = Guid.Empty, Variant = key };
        var baseline = Of(baselineKey);
        return [.. groups.Select(group =>
        {
            var row = Of(group.Key);
            var isBaseline = group.Key == baselineKey;
            return new VariantResult(
                group.Key, group.PromotionId, row.Exposures, row.Conversions,
                row.Exposures == 0 ? 0 : (double)row.Conversions / row.Exposures,
                row.Orders, decimal.Round(row.Revenue, 2),
                row.Orders == 0 ? 0 : decimal.Round(row.Revenue / row.Orders, 2),
                row.Exposures == 0 ? 0 : decimal.Round(row.Revenue / row.Exposures, 2),
                decimal.Round(row.Discount, 2),
                isBaseline ? null : ExperimentStatistics.CompareProportions(row.Conversions, row.Exposures, baseline.Conversions, baseline.Exposures),
                isBaseline ? null : ExperimentStatistics.CompareMeans(Moments(row), Moments(baseline)));
        })];
    }

    private static SampleMoments Moments(ExperimentVariantStats row) => new(row.Orders, row.Revenue, row.RevenueSquares);
}
