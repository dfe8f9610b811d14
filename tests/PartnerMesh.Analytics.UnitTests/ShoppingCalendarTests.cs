using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Campaigns;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public class ShoppingCalendarTests
{
    [Theory]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2038, "2038-04-25")]
    [InlineData(2285, "2285-03-22")]
    public void EasterSunday_FollowsTheGregorianComputus(int year, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ShoppingCalendar.EasterSunday(year));
    }

    [Theory]
    [InlineData(2024, "2024-11-29")]
    [InlineData(2025, "2025-11-28")]
    [InlineData(2026, "2026-11-27")]
    [InlineData(2030, "2030-11-29")]
    public void BlackFriday_IsTheDayAfterTheFourthThursdayOfNovember(int year, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ShoppingCalendar.BlackFriday(year));
    }

    [Fact]
    public void BuiltInDays_Of2026()
    {
        var days = ShoppingCalendar.Between(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), new ShoppingCalendarOptions());

        Assert.Equal(
            [
                ("valentines-day", new DateOnly(2026, 2, 14)), ("easter-sunday", new DateOnly(2026, 4, 5)), ("mothers-day", new DateOnly(2026, 5, 10)),
                ("singles-day", new DateOnly(2026, 11, 11)), ("black-friday", new DateOnly(2026, 11, 27)), ("cyber-monday", new DateOnly(2026, 11, 30)),
                ("christmas-eve", new DateOnly(2026, 12, 24)), ("boxing-day", new DateOnly(2026, 12, 26)),
            ],
            days.Select(day => (day.Key, day.Date)));
        Assert.All(days, day => Assert.True(day.BuiltIn));
    }

    [Fact]
    public void ConfiguredDays_AnnualOrOnce_AreAdded_AndBuiltInOnesCanBeLeftOut_OverAYearBoundary()
    {
        var options = new ShoppingCalendarOptions
        {
            ExcludeBuiltIn = ["christmas-eve"],
            Days =
            [
                new KeyDayOptions { Key = "anniversary", Name = "Store anniversary", Date = "01-15" },
                new KeyDayOptions { Key = "leap-sale", Date = "02-29" },
                new KeyDayOptions { Key = "launch", Name = "Launch", Date = "2027-01-02" },
                new KeyDayOptions { Key = "old-launch", Date = "2026-01-02" },
            ],
        };

        var days = ShoppingCalendar.Between(new DateOnly(2026, 12, 20), new DateOnly(2027, 3, 1), options);

        Assert.Equal(
            [
                ("boxing-day", new DateOnly(2026, 12, 26), true), ("launch", new DateOnly(2027, 1, 2), false),
                ("anniversary", new DateOnly(2027, 1, 15), false), ("valentines-day", new DateOnly(2027, 2, 14), true),
            ],
            days.Select(day => (day.Key, day.Date, day.BuiltIn)));
    }

    [Theory]
    [InlineData("12-24", true)]
    [InlineData("2027-01-02", true)]
    [InlineData("13-01", false)]
    [InlineData("24.12.", false)]
    [InlineData("", false)]
    public void ConfiguredDates_AreMonthDayOrAFullDate(string text, bool valid)
    {
        Assert.Equal(valid, ShoppingCalendar.TryParseDate(text, out _, out _, out _));
    }
}
