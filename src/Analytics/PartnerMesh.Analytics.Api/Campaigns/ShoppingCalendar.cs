using System.Globalization;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Campaigns;

public sealed record KeyShoppingDay(DateOnly Date, string Key, string Name, bool BuiltIn);

/// <summary>The key shopping days of a range: the built-in ones computed per year, plus the merchant's own (options).</summary>
public static class ShoppingCalendar
{
    /// <summary>Years the built-in rules hold for (the Gregorian computus starts in 1583): analytics' bounds on every date.</summary>
    public const int MinYear = KpiDateRange.MinYear, MaxYear = KpiDateRange.MaxYear;

    public static IReadOnlyList<KeyShoppingDay> Between(DateOnly from, DateOnly to, ShoppingCalendarOptions options)
    {
        var excluded = options.ExcludeBuiltIn.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var days = new List<KeyShoppingDay>();
        for (var year = from.Year; year <= to.Year; year++)
        {
            days.AddRange(BuiltIn(year).Where(day => !excluded.Contains(day.Key)));
            foreach (var configured in options.Days)
            {
                if (TryParseDate(configured.Date, out var fixedYear, out var month, out var dayOfMonth)
                    && (fixedYear is null || fixedYear == year)
                    && dayOfMonth <= DateTime.DaysInMonth(year, month))
                {
                    days.Add(new KeyShoppingDay(new DateOnly(year, month, dayOfMonth), configured.Key, configured.Name ?? configured.Key, false));
                }
            }
        }

        return days.Where(day => day.Date >= from && day.Date <= to)
            .OrderBy(day => day.Date)
            .ThenBy(day => day.Key, StringComparer.Ordinal)
            .ToList();
    }

    public static IEnumerable<KeyShoppingDay> BuiltIn(int year)
    {
        var blackFriday = BlackFriday(year);
        yield return new(new DateOnly(year, 2, 14), "valentines-day", "Valentine's Day", true);
        yield return new(EasterSunday(year), "easter-sunday", "Easter Sunday", true);
        yield return new(NthWeekday(year, 5, DayOfWeek.Sunday, 2), "mothers-day", "Mother's Day", true);
        yield return new(new DateOnly(year, 11, 11), "singles-day", "Singles' Day", true);
        yield return new(blackFriday, "black-friday", "Black Friday", true);
        yield return new(blackFriday.AddDays(3), "cyber-monday", "Cyber Monday", true);
        yield return new(new DateOnly(year, 12, 24), "christmas-eve", "Christmas Eve", true);
        yield return new(new DateOnly(year, 12, 26), "boxing-day", "Boxing Day", true);
    }

    /// <summary>Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus, "Meeus/Jones/Butcher").</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var n = h + l - (7 * m) + 114;
        return new DateOnly(year, n / 31, (n % 31) + 1);
    }

    /// <summary>The day after the fourth Thursday of November (US Thanksgiving).</summary>
    public static DateOnly BlackFriday(int year) => NthWeekday(year, 11, DayOfWeek.Thursday, 4).AddDays(1);

    /// <summary>The <paramref name="n"/>th <paramref name="weekday"/> of a month (n from 1).</summary>
    public static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    /// <summary>A configured day's date: <c>MM-dd</c> every year, or <c>yyyy-MM-dd</c> once.</summary>
    public static bool TryParseDate(string? text, out int? year, out int month, out int day)
    {
        (year, month, day) = (null, 0, 0);
        if (text is { Length: 5 } && DateOnly.TryParseExact("2000-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var annual))
        {
            (month, day) = (annual.Month, annual.Day);
            return true;
        }

        if (text is { Length: 10 } && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var once))
        {
            (year, month, day) = (once.Year, once.Month, once.Day);
            return true;
        }

        return false;
    }
}
