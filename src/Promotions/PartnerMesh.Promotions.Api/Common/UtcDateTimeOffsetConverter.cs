using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>
/// Reads every time as the same instant in UTC (<c>2026-12-06T00:30:00+02:00</c> becomes <c>2026-12-05T22:30:00Z</c>):
/// PostgreSQL's timestamptz takes UTC only, so a schedule, an <c>at</c> or a quote's times sent with another offset would
/// fail wherever they reach the database. Written as System.Text.Json writes a <see cref="DateTimeOffset"/>.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonMetadataServices.DateTimeOffsetConverter.Read(ref reader, typeToConvert, options).ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        JsonMetadataServices.DateTimeOffsetConverter.Write(writer, value, options);
}
