using PartnerMesh.Attribution.Api.Common;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class TextTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("\0\u0001", null)]
    [InlineData(" ok ", "ok")]
    [InlineData("e\0v\ni\tl", "evil")]
    [InlineData("abcdefghij", "abcde")]
    public void Clean_DropsControlCharactersTrimsAndTruncates(string? input, string? expected) =>
        Assert.Equal(expected, Text.Clean(input, 5));

    [Fact]
    public void Clean_NeverSplitsASurrogatePair() => Assert.Equal("abcd", Text.Clean("abcd😀", 5));
}
