using PartnerMesh.Analytics.Api.Aggregation;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public sealed class FactWriterTests
{
    [Theory]
    [InlineData(1, 65_000)]
    [InlineData(11, 5_909)]
    [InlineData(21, 3_095)]
    [InlineData(65_000, 1)]
    [InlineData(100_000, 1)]
    [InlineData(0, 65_000)]
    public void RowsPerStatement_StayUnderPostgresParameterLimit(int columns, int rows)
    {
        Assert.Equal(rows, FactWriter.RowsPerStatement(columns));
        Assert.True(columns == 0 || rows == 1 || (long)rows * columns <= 65_535);
    }
}
