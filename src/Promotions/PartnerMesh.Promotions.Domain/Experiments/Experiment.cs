using System.IO.Hashing;
using System.Text;

namespace PartnerMesh.Promotions.Domain.Experiments;

/// <summary>
/// A running experiment as the engine sees it: visitors outside the holdout are split over the variants by weight, each
/// variant's promotion (none for a control) applying only to its own visitors. <see cref="PartnerId"/> scopes it to one
/// partner's traffic: elsewhere its promotions do not apply and nobody is exposed. A <see cref="Stopped"/> experiment
/// (stopped without a winner) still holds its variants' promotions back — from everyone, with no exposure — until it
/// restarts or a winner is promoted, so stopping never gives every visitor every arm at once.
/// </summary>
public sealed record ExperimentDefinition(
    Guid Id, IReadOnlyList<ExperimentVariant> Variants, int HoldoutPercent = 0, Guid? PartnerId = null, bool Stopped = false);

/// <summary>A variant: its key, the promotion it shows (null: a control that shows none) and its share, in percent, of the
/// visitors outside the holdout (the weights add up to 100).</summary>
public sealed record ExperimentVariant(string Key, Guid? PromotionId, int Weight);

/// <summary>
/// Sticky assignment, a pure function of the experiment id, the stable id and the percentages — the same visitor gets the
/// same variant at every touchpoint and on every instance, with no I/O. A hash of both ids gives a bucket of 10,000: the
/// first <c>holdout × 100</c> buckets are the holdout, the rest are cut by cumulative weight.
/// </summary>
public static class ExperimentAssignment
{
    public const string Holdout = "holdout";
    private const int Buckets = 10_000;

    public static string Assign(ExperimentDefinition experiment, string stickyId)
    {
        var bucket = Bucket(experiment.Id, stickyId);
        var holdout = experiment.HoldoutPercent * (Buckets / 100);
        if (bucket < holdout)
        {
            return Holdout;
        }

        // Where the bucket falls among the buckets outside the holdout, in hundredths of a percent.
        var position = (long)(bucket - holdout) * Buckets / (Buckets - holdout);
        var cumulative = 0L;
        foreach (var variant in experiment.Variants)
        {
            cumulative += variant.Weight * (Buckets / 100);
            if (position < cumulative)
            {
                return variant.Key;
            }
        }

        return experiment.Variants[^1].Key;
    }

    public static int Bucket(Guid experimentId, string stickyId) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"experiment:{experimentId:N}:{stickyId}")) % Buckets);
}

/// <summary>The variant an evaluation showed a visitor (or the holdout, or a control): one exposure.</summary>
public sealed record ExperimentExposure(Guid ExperimentId, string Variant);
