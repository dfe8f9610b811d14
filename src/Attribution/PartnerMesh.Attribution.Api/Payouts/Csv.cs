using System.Globalization;
using System.Text;

namespace PartnerMesh.Attribution.Api.Payouts;

/// <summary>RFC 4180 CSV, safe to open in a spreadsheet: fields that could start a formula are prefixed with a quote.</summary>
public static class Csv
{
    public static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal number => number.ToString(CultureInfo.InvariantCulture),
            DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && value is string)
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }

    public static string Build(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var builder = new StringBuilder();
        builder.Append(string.Join(',', header)).Append("\r\n");
        foreach (var row in rows)
        {
            builder.Append(string.Join(',', row.Select(Field))).Append("\r\n");
        }

        return builder.ToString();
    }
}
