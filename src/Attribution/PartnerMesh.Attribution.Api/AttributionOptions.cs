using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Attribution.Api;

public sealed class AttributionOptions
{
    /// <summary>How long after a click an order still credits the partner (industry default: 30 days).</summary>
    [Range(1, 365)]
    public int WindowDays { get; set; } = 30;

    /// <summary>Repeat clicks of one visitor on one link within this many seconds collapse into one (programs override).</summary>
    [Range(0, 86_400)]
    public int DuplicateClickWindowSeconds { get; set; } = 1800;

    /// <summary>Days a commission waits before approval, for partners without a program.</summary>
    [Range(0, 365)]
    public int HoldDays { get; set; } = 30;

    /// <summary>Where shoppers go for unknown codes (programs have their own); without one they get a clear 404 page.</summary>
    public string? FallbackUrl { get; set; }

    /// <summary>How often the background job approves commissions whose hold elapsed.</summary>
    public TimeSpan ApprovalInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often closed hours' clicks are booked for programs that pay per click.</summary>
    public TimeSpan ClickAccrualInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many closed hours each pass looks back over (an instance that was down books what it missed).</summary>
    [Range(1, 720)]
    public int ClickAccrualLookbackHours { get; set; } = 48;

    /// <summary>
    /// How long a stored <c>Idempotency-Key</c> (<c>POST /clicks</c> and the storefront POSTs) answers its retries; older
    /// keys are forgotten by <see cref="Common.IdempotencyKeySweeper"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often keys past <see cref="IdempotencyKeyRetention"/> are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyKeySweepInterval { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan Window => TimeSpan.FromDays(WindowDays);
}
