using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// A time window's times of day as <c>HH:mm</c> (docs/promotions.md): a window is decided to the minute, so a request that
/// gives seconds (<c>"10:00:30"</c>, <c>"10:00:00"</c>) or a fraction is refused — the 400 names the field — rather than
/// decided to the second while its explanation prints minutes. Written back as <c>HH:mm</c>. <see cref="Stored"/> also
/// reads the <c>HH:mm:ss</c> that versions saved before this rule hold, and writes a time with seconds as it was stored,
/// so every stored version still loads and reads back as it is decided.
/// </summary>
public sealed class ClockTimeConverter : JsonConverter<TimeOnly>
{
    /// <summary>For requests: <c>HH:mm</c> only.</summary>
    public static ClockTimeConverter Strict { get; } = new(lenient: false);

    /// <summary>For stored definitions: also <c>HH:mm:ss</c> and fractions, as stored before.</summary>
    public static ClockTimeConverter Stored { get; } = new(lenient: true);

    private readonly bool _lenient;

    private ClockTimeConverter(bool lenient) => _lenient = lenient;

    /// <summary><c>HH:mm</c>; a time stored with seconds (before they were refused) with them, as it is decided.</summary>
    public static string Format(TimeOnly value) =>
        value.ToString(value.Ticks % TimeSpan.TicksPerMinute == 0 ? "HH:mm" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    public static bool IsClockTime(string text) =>
        text is [>= '0' and <= '2', >= '0' and <= '9', ':', >= '0' and <= '5', >= '0' and <= '9'] && (text[0] < '2' || text[1] <= '3');

    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && IsClockTime(text))
        {
            return TimeOnly.ParseExact(text, "HH:mm", CultureInfo.InvariantCulture);
        }

        // Anything else is refused as System.Text.Json refuses a value it cannot convert: the 400 names the field.
        return _lenient
            ? JsonMetadataServices.TimeOnlyConverter.Read(ref reader, typeToConvert, options)
            : throw new JsonException("The JSON value could not be converted to a time of day written as HH:mm.");
    }

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));
}
