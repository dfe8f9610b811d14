using PartnerMesh.StorefrontSimulator.Metrics;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class MarkdownTableTests
{
    [Fact]
    public void Render_Rows_PadsAlignsAndEscapes()
    {
        var table = MarkdownTable.Render(["call", "p50 (ms)"], [["click|r", "4.2"], ["order", "12.0"]], new HashSet<int> { 1 });

        var lines = table.TrimEnd().Split(Environment.NewLine);
        Assert.Equal("| call     | p50 (ms) |", lines[0]);
        Assert.Equal("| -------- | -------: |", lines[1]);
        Assert.Equal("| click\\|r |      4.2 |", lines[2]);
        Assert.Equal("| order    |     12.0 |", lines[3]);
    }

    [Fact]
    public void Ms_Value_FormatsInvariantWithOneDecimal()
    {
        Assert.Equal("1234.6", MarkdownTable.Ms(1234.56));
        Assert.Equal("n/a", MarkdownTable.Ms(double.NaN));
    }
}
