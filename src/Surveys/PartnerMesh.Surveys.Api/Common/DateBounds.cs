namespace PartnerMesh.Surveys.Api.Common;

/// <summary>
/// The dates surveys accepts anywhere a caller gives one (insights, search and export ranges, partner insights, survey
/// schedules): 2000-01-01 to 2999-12-31, UTC. Every real program lives well inside; the bound keeps the day arithmetic
/// behind those inputs (a range's exclusive end, a week's Monday and Sunday) away from the limits of
/// <see cref="DateOnly"/> and <see cref="DateTimeOffset"/>, so an extreme but valid date is a 400 naming the field, never a 500.
/// </summary>
public static class DateBounds
{
    public static readonly DateOnly FirstDay = new(2000, 1, 1);
    public static readonly DateOnly LastDay = new(2999, 12, 31);

    public static readonly DateTimeOffset Start = new(FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Exclusive: the first instant after <see cref="LastDay"/>.</summary>
    public static readonly DateTimeOffset End = new(LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public const string Rule = "between 2000-01-01 and 2999-12-31 (UTC)";

    public static void Check(Errors errors, string field, DateOnly? day)
    {
        if (day is { } value && (value < FirstDay || value > LastDay))
        {
            errors.Add(field, $"{field} must be a date {Rule}.");
        }
    }

    public static void Check(Errors errors, string field, DateTimeOffset? at)
    {
        if (at is { } value && (value < Start || value >= End))
        {
            errors.Add(field, $"{field} must be a time {Rule}.");
        }
    }
}
