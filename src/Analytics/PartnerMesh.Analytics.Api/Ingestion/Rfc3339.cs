using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>
/// Event times as RFC 3339 date-times (section 5.6): <c>2026-12-05T10:15:00.5+01:00</c>, <c>T</c> and <c>Z</c> in
/// either case, any fraction of a second (kept to 100 ns), any offset the grammar allows (hours 00–23, minutes 00–59,
/// also beyond the ±14:00 a <see cref="DateTimeOffset"/> can hold: the time is taken to UTC). Seconds may be left out
/// (ISO 8601, as accepted before); a date without a time or a time without an offset is refused, being ambiguous.
/// </summary>
public static partial class Rfc3339
{
    public const string Example = "2026-12-05T10:15:00+01:00";

    /// <summary>The time in UTC, or why <paramref name="text"/> is not one (to follow "is not an RFC 3339 date-time").</summary>
    public static bool TryParse(string text, out DateTimeOffset value, out string? error)
    {
        value = default;
        var match = Grammar().Match(text);
        if (!match.Success)
        {
            error = NoOffset().IsMatch(text)
                ? "it has no UTC offset ('Z' or '+01:00'): a bare local time is ambiguous"
                : "expected yyyy-MM-ddTHH:mm:ss[.fraction] and 'Z' or an offset ±hh:mm";
            return false;
        }

        int Number(string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        var offset = match.Groups["offset"].Value;
        var (offsetHours, offsetMinutes) = offset is "Z" or "z" ? (0, 0) : (Number("oh"), Number("om"));
        if (offsetHours > 23 || offsetMinutes > 59)
        {
            error = $"the offset {offset} is out of range (hours 00 to 23, minutes 00 to 59)";
            return false;
        }

        var (year, month, day, hour, minute) = (Number("y"), Number("mo"), Number("d"), Number("h"), Number("mi"));
        var second = match.Groups["s"].Success ? Number("s") : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            error = "the date or time is out of range";
            return false;
        }

        var fraction = match.Groups["f"].Value;
        var ticks = fraction.Length == 0 ? 0L : long.Parse(fraction[..Math.Min(7, fraction.Length)].PadRight(7, '0'), CultureInfo.InvariantCulture);
        if (second == 60)
        {
            // A leap second: the last instant a DateTime holds of its minute.
            (second, ticks) = (59, TimeSpan.TicksPerSecond - 1);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var sign = offset.StartsWith('-') ? -1 : 1;
        var utc = local.Ticks - (sign * new TimeSpan(offsetHours, offsetMinutes, 0).Ticks);
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            error = "the date or time is out of range";
            return false;
        }

        value = new DateTimeOffset(utc, TimeSpan.Zero);
        error = null;
        return true;
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[Tt](?<h>[0-9]{2}):(?<mi>[0-9]{2})(:(?<s>[0-9]{2})(\.(?<f>[0-9]+))?)?(?<offset>[Zz]|[+-](?<oh>[0-9]{2}):(?<om>[0-9]{2}))\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NoOffset();

    /// <summary>Reads event times with <see cref="TryParse"/>; a string that is not one fails with a <see cref="JsonException"/>.</summary>
    public sealed class Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParse(reader.GetString()!, out var value, out _)
                ? value
                : throw new JsonException("Not an RFC 3339 date-time.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}
