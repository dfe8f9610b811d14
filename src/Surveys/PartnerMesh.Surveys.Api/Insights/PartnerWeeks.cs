namespace PartnerMesh.Surveys.Api.Insights;

/// <summary>
/// The weeks of partner insights: Monday to Sunday in the reporting time zone (<see cref="SurveysOptions.ReportingTimeZone"/>),
/// the weeks analytics publishes a partner's survey figures in, so both services cut a partner's responses alike.
/// </summary>
public static class PartnerWeeks
{
    /// <summary>The Monday of the week <paramref name="at"/> falls in, in <paramref name="zone"/>.</summary>
    public static DateOnly Of(DateTimeOffset at, TimeZoneInfo zone) => Monday(Day(at, zone));

    /// <summary>The local day of <paramref name="at"/> in <paramref name="zone"/>.</summary>
    public static DateOnly Day(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    public static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The instant a local day starts (the first valid local time where a clock change skips midnight), as analytics cuts it.</summary>
    public static DateTimeOffset StartUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    public static bool IsZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
