using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Surveys.Api;

public sealed class SurveysOptions
{
    public const string SectionName = "Surveys";

    /// <summary>Base64 HMAC-SHA256 key that signs email links (at least 32 bytes); a generated Aspire parameter in the AppHost.</summary>
    [Required]
    [MinLength(44)]
    public string EmailLinkSigningKey { get; set; } = "";

    /// <summary>How long an email link works when the caller does not say.</summary>
    public TimeSpan EmailLinkLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The longest lifetime a caller may ask for.</summary>
    public TimeSpan MaxEmailLinkLifetime { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Minimum responses in a group before partners see it (k-anonymity).</summary>
    [Range(2, 1000)]
    public int PartnerMinimumGroupSize { get; set; } = 5;

    /// <summary>
    /// Partners see ended weeks only (in <see cref="ReportingTimeZone"/>, an hour after the week's end): a published cell then never changes, so reading a
    /// filling week before and after one more response cannot reveal that response. On by default; a program that accepts
    /// that two reads of the current week, one response apart, show how that response moved the cell, and wants fresher
    /// figures, turns it off (docs/surveys.md, "Partner insights").
    /// </summary>
    public bool PartnerInsightsEndedWeeksOnly { get; set; } = true;

    /// <summary>
    /// The time zone whose weeks (Monday to Sunday) are the cells of partner insights: the same id as
    /// <c>Analytics:ReportingTimeZone</c>, in which analytics publishes the partner's survey weeks, so that a partner's
    /// week is the same responses in both services (docs/surveys.md, "Partner insights"). Default UTC, as analytics'.
    /// </summary>
    public string ReportingTimeZone { get; set; } = "UTC";

    public TimeZoneInfo TimeZone() => TimeZoneInfo.FindSystemTimeZoneById(ReportingTimeZone);

    /// <summary>The safety-net poll of the survey definitions, behind the Redis notification.</summary>
    public TimeSpan CatalogPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most responses (and, separately, showings) one insights report or export reads. A report over more says so
    /// (<c>complete: false</c>, figures from the newest rows); partner insights refuse it rather than show a partial cell.
    /// </summary>
    [Range(1, 5_000_000)]
    public int InsightsMaxRows { get; set; } = 200_000;

    /// <summary>How long a per-survey frequency record (shown / submitted) is kept in Redis.</summary>
    public TimeSpan FrequencyRetention { get; set; } = TimeSpan.FromDays(400);
}
