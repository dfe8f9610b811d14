using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Promotions.Api;

public sealed class PromotionsOptions
{
    public const string SectionName = "Promotions";

    /// <summary>Base64 HMAC-SHA256 key that signs quotes (at least 32 bytes); a generated Aspire parameter in the AppHost.</summary>
    [Required]
    [MinLength(44)]
    public string QuoteSigningKey { get; set; } = "";

    /// <summary>How long a quote (and the budget it reserved) holds.</summary>
    public TimeSpan QuoteLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The safety-net poll of the rule-set version, behind the Redis notification.</summary>
    public TimeSpan RuleSetPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an evaluation waits for the coupons service's answer about a code before reporting it unavailable.</summary>
    public TimeSpan CouponValidationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an evaluation waits for attribution to say whose traffic a click id is.</summary>
    public TimeSpan ClickLookupTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often expired budget reservations are given back.</summary>
    public TimeSpan ReservationSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The application log of evaluations: sample rate, retention, sweep interval.</summary>
    public EvaluationLog.EvaluationLogOptions EvaluationLog { get; set; } = new();
}
