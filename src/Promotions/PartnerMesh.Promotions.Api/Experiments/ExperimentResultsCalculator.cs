using PartnerMesh.Promotions.Domain.Experiments;
using PartnerMesh.Promotions.Domain.Money;

namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>
/// Results of experiments and product-page content entries. Visitors, conversions and orders count in every currency;
/// money is per currency — revenue, AOV, revenue per visitor, promotion cost and the AOV test, each against the baseline's
/// orders in the same currency and rounded to that currency's minor units — and never added up across currencies.
/// </summary>
internal static class ExperimentResultsCalculator
{
    public const string Method =
        "conversion: two-proportion z-test (pooled SE), 95 % CI of the difference (unpooled SE); average order value: Welch's t-test per currency, 95 % CI; both two-sided, against the baseline";

    public static IReadOnlyList<VariantResult> Compute(
        IReadOnlyList<(string Key, Guid? PromotionId)> groups, IReadOnlyDictionary<string, ExperimentVariantStats> stats,
        IReadOnlyList<ExperimentVariantSales> sales, string baselineKey)
    {
        ExperimentVariantStats Of(string key) => stats.GetValueOrDefault(key) ?? new ExperimentVariantStats { ExperimentId = Guid.Empty, Variant = key };
        ExperimentVariantSales SalesOf(string key, string currency) =>
            sales.FirstOrDefault(row => row.Variant == key && row.Currency == currency)
            ?? new ExperimentVariantSales { ExperimentId = Guid.Empty, Variant = key, Currency = currency };
        var currencies = sales.Select(row => row.Currency).Distinct().Order(StringComparer.Ordinal).ToList();
        var baseline = Of(baselineKey);
        return [.. groups.Select(group =>
        {
            var row = Of(group.Key);
            var isBaseline = group.Key == baselineKey;
            return new VariantResult(
                group.Key, group.PromotionId, row.Exposures, row.Conversions,
                row.Exposures == 0 ? 0 : (double)row.Conversions / row.Exposures,
                row.Orders,
                isBaseline ? null : ExperimentStatistics.CompareProportions(row.Conversions, row.Exposures, baseline.Conversions, baseline.Exposures),
                [.. currencies.Select(currency =>
                {
                    var money = SalesOf(group.Key, currency);
                    return new VariantSales(
                        currency, money.Orders, Currencies.Round(money.Revenue, currency),
                        money.Orders == 0 ? 0 : Currencies.Round(money.Revenue / money.Orders, currency),
                        row.Exposures == 0 ? 0 : Currencies.Round(money.Revenue / row.Exposures, currency),
                        Currencies.Round(money.Discount, currency),
                        isBaseline ? null : ExperimentStatistics.CompareMeans(Moments(money), Moments(SalesOf(baselineKey, currency))));
                })]);
        })];
    }

    private static SampleMoments Moments(ExperimentVariantSales row) => new(row.Orders, row.Revenue, row.RevenueSquares);
}
