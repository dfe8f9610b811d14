using PartnerMesh.Attribution.Api.Clicks;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class ClickSourceTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(" ", null)]
    public void KeyOf_NeitherAddressNorUserAgent_IsNoSource(string? address, string? userAgent) =>
        Assert.Null(ClickSource.KeyOf(address, userAgent));

    [Fact]
    public void KeyOf_EitherAlone_IsASource_DistinctFromTheOther()
    {
        var address = ClickSource.KeyOf("203.0.113.7", null);
        var userAgent = ClickSource.KeyOf(null, "Browser/1");

        Assert.NotNull(address);
        Assert.NotNull(userAgent);
        Assert.NotEqual(address, userAgent);
        Assert.Equal(address, ClickSource.KeyOf("203.0.113.7", ""));
        Assert.NotEqual(address, ClickSource.KeyOf("203.0.113.7", "Browser/1"));
    }
}
