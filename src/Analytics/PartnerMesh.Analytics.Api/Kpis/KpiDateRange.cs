using System.Globalization;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// Parses and bounds the days analytics is asked about: every date of a query or a request (KPI reports, scorecards, the
/// calendar, campaigns) must lie in [<see cref="MinDay"/>, <see cref="MaxDay"/>], so the arithmetic done on it (a range's
/// end plus a day, a window before a partnership's start, a year from a day) never leaves the calendar — a date outside is
/// a 400 naming the parameter, never a 500. Also resolves the <c>from</c>/<c>to</c> of the partner daily report.
/// </summary>
public static class KpiDateRange
{
    public const string DateFormat = "yyyy-MM-dd";
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    /// <summary>
    /// The years analytics takes: from the first full year of the Gregorian calendar (the shopping calendar's computus
    /// holds from 1583) to 9998, so a year of arithmetic on either side stays within <see cref="DateOnly"/>.
    /// </summary>
    public const int MinYear = 1583, MaxYear = 9998;

    public static readonly DateOnly MinDay = new(MinYear, 1, 1);
    public static readonly DateOnly MaxDay = new(MaxYear, 12, 31);

    public static readonly string FormatMessage = $"Use a date formatted {DateFormat}.";
    public static readonly string RangeMessage = string.Create(CultureInfo.InvariantCulture, $"Use a date from {MinYear}-01-01 to {MaxYear}-12-31.");

    public static bool TryParseDay(string? value, out DateOnly day) =>
        DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    public static bool InRange(DateOnly day) => day >= MinDay && day <= MaxDay;

    /// <summary>Parses a day of a query: the problem's message for the parameter, or <c>null</c> when the day is usable.</summary>
    public static string? Parse(string text, out DateOnly day) =>
        !TryParseDay(text, out day) ? FormatMessage : InRange(day) ? null : RangeMessage;

    /// <summary>Checks a day given in a request body: the problem's message, or <c>null</c> when it is usable.</summary>
    public static string? Check(DateOnly day) => InRange(day) ? null : RangeMessage;

    /// <summary>
    /// Missing <c>to</c> means today; missing <c>from</c> means the 30 days ending at <c>to</c>.
    /// Returns the validation errors keyed by parameter, or none.
    /// </summary>
    public static Dictionary<string, string[]> Resolve(string? fromText, string? toText, DateOnly today, out DateOnly from, out DateOnly to)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        from = default;
        to = today;

        if (toText is not null && Parse(toText, out to) is { } toError)
        {
            errors["to"] = [toError];
        }

        if (fromText is not null)
        {
            if (Parse(fromText, out from) is { } fromError)
            {
                errors["from"] = [fromError];
            }
        }
        else if (errors.Count == 0)
        {
            from = DateOnly.FromDayNumber(Math.Max(MinDay.DayNumber, to.DayNumber + 1 - DefaultDays));
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
