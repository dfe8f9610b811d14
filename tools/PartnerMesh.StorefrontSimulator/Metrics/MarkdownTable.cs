using System.Globalization;
using System.Text;

namespace PartnerMesh.StorefrontSimulator.Metrics;

/// <summary>Renders a GitHub-flavoured markdown table, columns padded so it also reads well in a terminal.</summary>
public static class MarkdownTable
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, ISet<int>? rightAligned = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var body = rows.Select(row => row.Select(Escape).ToArray()).ToList();
        var header = headers.Select(Escape).ToArray();
        var widths = new int[header.Length];
        for (var column = 0; column < header.Length; column++)
        {
            widths[column] = Math.Max(3, body.Select(row => column < row.Length ? row[column].Length : 0).Append(header[column].Length).Max());
        }

        var builder = new StringBuilder();
        AppendRow(builder, header, widths, rightAligned);
        builder.Append('|');
        for (var column = 0; column < widths.Length; column++)
        {
            var right = rightAligned?.Contains(column) == true;
            builder.Append(' ').Append('-', widths[column] - (right ? 1 : 0)).Append(right ? ":" : string.Empty).Append(" |");
        }

        builder.AppendLine();
        foreach (var row in body)
        {
            AppendRow(builder, row, widths, rightAligned);
        }

        return builder.ToString();
    }

    /// <summary>Milliseconds with one decimal ("n/a" when there is no value).</summary>
    public static string Ms(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.0", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder builder, string[] cells, int[] widths, ISet<int>? rightAligned)
    {
        builder.Append('|');
        for (var column = 0; column < widths.Length; column++)
        {
            var cell = column < cells.Length ? cells[column] : string.Empty;
            var padded = rightAligned?.Contains(column) == true ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]);
            builder.Append(' ').Append(padded).Append(" |");
        }

        builder.AppendLine();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
