using System.Globalization;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>Parses and bounds the <c>from</c>/<c>to</c> query of a KPI report (inclusive UTC days).</summary>
public static class KpiDateRange
{
    public const string DateFormat = "yyyy-MM-dd";
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public static bool TryParseDay(string? value, out DateOnly day) =>
        DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>
    /// Missing <c>to</c> means today; missing <c>from</c> means the 30 days ending at <c>to</c>.
    /// Returns the validation errors keyed by parameter, or none.
    /// </summary>
    public static Dictionary<string, string[]> Resolve(string? fromText, string? toText, DateOnly today, out DateOnly from, out DateOnly to)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        from = default;
        to = today;

        if (toText is not null && !TryParseDay(toText, out to))
        {
            errors["to"] = [$"Use a date formatted {DateFormat}."];
        }

        if (fromText is not null)
        {
            if (!TryParseDay(fromText, out from))
            {
                errors["from"] = [$"Use a date formatted {DateFormat}."];
            }
        }
        else if (errors.Count == 0)
        {
            from = DateOnly.FromDayNumber(Math.Max(DateOnly.MinValue.DayNumber, to.DayNumber + 1 - DefaultDays));
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        if (from > to)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            errors["to"] = [$"A report covers at most {MaxDays} days."];
        }

        return errors;
    }
}
