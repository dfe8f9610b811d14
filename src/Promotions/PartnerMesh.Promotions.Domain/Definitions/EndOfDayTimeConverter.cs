using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PartnerMesh.Promotions.Domain.Definitions;

/// <summary>
/// The end of a time window: <c>"24:00"</c> is the end of the day, held as 00:00 — an exclusive end at midnight, which
/// the window already reads as the end of the day it started on — and written back as <c>"24:00"</c>. Other times as the
/// options' <see cref="TimeOnly"/> converter reads and writes them (<see cref="ClockTimeConverter"/>: <c>HH:mm</c>).
/// </summary>
public sealed class EndOfDayTimeConverter : JsonConverter<TimeOnly>
{
    public const string EndOfDay = "24:00";

    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(EndOfDay)
            ? TimeOnly.MinValue
            : TimeOf(options).Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options)
    {
        if (value == TimeOnly.MinValue)
        {
            writer.WriteStringValue(EndOfDay);
        }
        else
        {
            TimeOf(options).Write(writer, value, options);
        }
    }

    private static JsonConverter<TimeOnly> TimeOf(JsonSerializerOptions options) =>
        options.GetConverter(typeof(TimeOnly)) as JsonConverter<TimeOnly> ?? JsonMetadataServices.TimeOnlyConverter;
}
