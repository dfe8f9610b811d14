using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Reads a JSON number into a <see cref="decimal"/> only when the decimal holds it exactly. System.Text.Json rounds a
/// number with more significant digits than a decimal holds (28–29) and takes one that underflows as 0, so
/// <c>39.9999999999999999999999999999</c> became 40 and <c>1e-30</c> became 0 before any rule ("an amount has no more
/// decimals than its currency", a minimum cart value) could see what was sent. Such a number is refused instead: a
/// <see cref="JsonException"/> the web API defaults turn into a 400 problem naming the field. Numbers only, as
/// <c>JsonNumberHandling.Strict</c> has it (<c>"9.5"</c> is the wrong type); registered for every request body by
/// <c>AddWebApiDefaults</c>, and for <c>decimal?</c> through the serializer's nullable wrapper.
/// </summary>
public sealed class ExactDecimalConverter : JsonConverter<decimal>
{
    /// <summary>The converter's message; <c>BadRequestExceptionHandler</c> recognises it.</summary>
    public const string InexactMessage = "The number cannot be held exactly.";

    private static readonly JsonConverter<decimal> Default = JsonMetadataServices.DecimalConverter;

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
        {
            throw new JsonException(); // the serializer's own "could not be converted" (wrong type, out of range)
        }

        var text = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return IsShortPlain(text) || IsExact(text, value) ? value : throw new JsonException(InexactMessage);
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    public override decimal ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Default.ReadAsPropertyName(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        Default.WriteAsPropertyName(writer, value, options);

    /// <summary>
    /// The common case, read without allocating: at most 28 characters and no exponent hold at most 28 digits at a scale
    /// of at most 26, which a decimal holds exactly.
    /// </summary>
    private static bool IsShortPlain(ReadOnlySpan<byte> text) => text.Length <= 28 && text.IndexOfAny((byte)'e', (byte)'E') < 0;

    /// <summary>Whether the JSON number <paramref name="text"/> has the value <paramref name="value"/>, digit for digit.</summary>
    public static bool IsExact(ReadOnlySpan<byte> text, decimal value)
    {
        Span<byte> formatted = stackalloc byte[64];
        return value.TryFormat(formatted, out var written, default, CultureInfo.InvariantCulture)
            && Canonical(text) == Canonical(formatted[..written]);
    }

    /// <summary>
    /// A number as sign, significant digits and power of ten (<c>-12.50e1</c> → (true, "125", 0)); zero is (false, "", 0).
    /// The exponent is clamped: a number needing more than nine exponent digits is far outside a decimal either way.
    /// </summary>
    private static (bool Negative, string Digits, long Exponent) Canonical(ReadOnlySpan<byte> text)
    {
        var negative = text.Length > 0 && text[0] == (byte)'-';
        var digits = new System.Text.StringBuilder();
        long exponent = 0;
        var index = negative ? 1 : 0;
        var fraction = false;
        for (; index < text.Length && text[index] is not ((byte)'e' or (byte)'E'); index++)
        {
            if (text[index] == (byte)'.')
            {
                fraction = true;
                continue;
            }

            if (digits.Length > 0 || text[index] != (byte)'0')
            {
                digits.Append((char)text[index]);
            }

            if (fraction)
            {
                exponent--;
            }
        }

        if (index < text.Length)
        {
            var written = text[(index + 1)..];
            var exponentNegative = written.Length > 0 && written[0] == (byte)'-';
            if (written.Length > 0 && written[0] is (byte)'-' or (byte)'+')
            {
                written = written[1..];
            }

            long power = 0;
            foreach (var digit in written)
            {
                power = Math.Min(power * 10 + (digit - '0'), 1_000_000_000);
            }

            exponent += exponentNegative ? -power : power;
        }

        var trimmed = digits.ToString();
        var significant = trimmed.TrimEnd('0');
        exponent += trimmed.Length - significant.Length;
        return significant.Length == 0 ? (false, "", 0) : (negative, significant, exponent);
    }
}
