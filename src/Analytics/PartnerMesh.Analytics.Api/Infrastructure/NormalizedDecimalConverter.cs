using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Analytics.Api.Infrastructure;

/// <summary>
/// Writes every number of an analytics answer as the value it is, without trailing zeros: PostgreSQL's
/// <c>numeric(28,4)</c> reads revenue 120 back as 120.0000, which System.Text.Json writes digit for digit. So money is
/// <c>120</c> or <c>120.5</c>, as coupons answers it (<see cref="DecimalScale.Normalize"/>); the value never changes (nothing is
/// rounded). Reading is <see cref="ExactDecimalConverter"/>'s, unchanged.
/// </summary>
public sealed class NormalizedDecimalConverter : JsonConverter<decimal>
{
    private static readonly ExactDecimalConverter Exact = new();

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Exact.Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(DecimalScale.Normalize(value));

    public override decimal ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Exact.ReadAsPropertyName(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        Exact.WriteAsPropertyName(writer, DecimalScale.Normalize(value), options);
}
