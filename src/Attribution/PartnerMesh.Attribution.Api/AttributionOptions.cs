using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Attribution.Api;

public sealed class AttributionOptions
{
    /// <summary>How long after a click an order still credits the partner (industry default: 30 days).</summary>
    [Range(1, 365)]
    public int WindowDays { get; set; } = 30;

    public TimeSpan Window => TimeSpan.FromDays(WindowDays);
}
