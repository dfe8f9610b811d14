using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>
/// <c>variants</c>: 2 to 10, weights adding up to 100 (shares of the visitors outside the holdout); a variant without a
/// <c>promotionId</c> is a control that shows none. <c>partnerId</c> scopes the experiment to that partner's traffic.
/// </summary>
public sealed record CreateExperimentRequest([Required] string? Name, [Required] IReadOnlyList<VariantRequest>? Variants, int? HoldoutPercent, Guid? PartnerId);

public sealed record VariantRequest([Required] string? Key, Guid? PromotionId, [Required] int? Weight);

public sealed record ExperimentChangeRequest(string? Reason);

public sealed record PromoteWinnerRequest([Required] string? Variant, string? Reason);

public sealed record ExperimentResponse(
    Guid Id, string Name, string Status, IReadOnlyList<ExperimentVariant> Variants, int HoldoutPercent, Guid? PartnerId, string? Winner,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    public static ExperimentResponse From(Experiment experiment) => new(
        experiment.Id, experiment.Name, experiment.Status, ExperimentVariants.Read(experiment.Variants), experiment.HoldoutPercent,
        experiment.PartnerId, experiment.Winner, experiment.CreatedAt, experiment.CreatedBy, experiment.StartedAt, experiment.EndedAt);
}

/// <summary>
/// Results per variant against the <c>baseline</c> (the holdout when there is one, else the control, else the first
/// variant): <c>conversionRate</c> = converted visitors / exposed visitors, over orders in every currency. Money is
/// reported per currency in <c>sales</c>, never added up across currencies.
/// </summary>
public sealed record ExperimentResults(Guid ExperimentId, string Status, string Baseline, string Method, IReadOnlyList<VariantResult> Variants);

/// <summary>A variant's exposed and converted visitors and its orders (in every currency), the conversion test against the
/// baseline, and its <c>sales</c>: one entry per currency any variant has orders in, ordered by currency code.</summary>
public sealed record VariantResult(
    string Variant, Guid? PromotionId, long Exposures, long Conversions, double ConversionRate, long Orders, ProportionTest? ConversionVsBaseline,
    IReadOnlyList<VariantSales> Sales);

/// <summary>
/// A variant's orders in one currency, amounts rounded to its minor units: <c>averageOrderValue</c> = revenue / orders;
/// <c>revenuePerVisitor</c> = revenue / exposed visitors; <c>promotionCost</c> = discount given on those orders;
/// <c>averageOrderValueVsBaseline</c>: Welch's t-test against the baseline's orders in the same currency.
/// </summary>
public sealed record VariantSales(
    string Currency, long Orders, decimal Revenue, decimal AverageOrderValue, decimal RevenuePerVisitor, decimal PromotionCost,
    MeanTest? AverageOrderValueVsBaseline);

internal static class ExperimentVariants
{
    public static string Write(IReadOnlyList<ExperimentVariant> variants) => JsonSerializer.Serialize(variants, PromotionJson.Options);

    public static IReadOnlyList<ExperimentVariant> Read(string json) =>
        JsonSerializer.Deserialize<List<ExperimentVariant>>(json, PromotionJson.Options) ?? [];

    public static ExperimentDefinition Definition(Experiment experiment) =>
        new(experiment.Id, Read(experiment.Variants), experiment.HoldoutPercent, experiment.PartnerId,
            Stopped: experiment.Status == ExperimentStatuses.Stopped);
}
