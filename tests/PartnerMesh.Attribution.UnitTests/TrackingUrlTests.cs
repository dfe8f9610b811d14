using PartnerMesh.Attribution.Api.Clicks;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class TrackingUrlTests
{
    private static readonly KeyValuePair<string, string> Click = new("pm_click", "c1");

    [Theory]
    [InlineData("https://shop.example", "https://shop.example?pm_click=c1")]
    [InlineData("https://shop.example/p", "https://shop.example/p?pm_click=c1")]
    [InlineData("https://shop.example/p?", "https://shop.example/p?pm_click=c1")]
    [InlineData("https://shop.example/p?a=1&b=%20x", "https://shop.example/p?a=1&b=%20x&pm_click=c1")]
    [InlineData("https://shop.example/p#frag", "https://shop.example/p?pm_click=c1#frag")]
    [InlineData("https://shop.example/p?a=1#frag?x=1", "https://shop.example/p?a=1&pm_click=c1#frag?x=1")]
    [InlineData("https://shop.example/p?pm_click=old&a=1", "https://shop.example/p?a=1&pm_click=c1")]
    public void AppendParameters_KeepsQueryAndFragment(string target, string expected) =>
        Assert.Equal(expected, TrackingUrl.AppendParameters(target, [Click]));

    [Fact]
    public void AppendParameters_ReplacesTargetUtmWithTheVisitsAndEscapesValues()
    {
        var url = TrackingUrl.AppendParameters(
            "https://shop.example/?utm_source=default&utm_campaign=fixed",
            [new("utm_source", "insta gram&x=1"), Click]);

        Assert.Equal("https://shop.example/?utm_campaign=fixed&utm_source=insta%20gram%26x%3D1&pm_click=c1", url);
    }
}
