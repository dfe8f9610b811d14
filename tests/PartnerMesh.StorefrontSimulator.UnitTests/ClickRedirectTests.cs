using PartnerMesh.StorefrontSimulator.Gateway;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class ClickRedirectTests
{
    [Theory]
    [InlineData("https://shop.example.com/spring?pm_click=abc123", "abc123")]
    [InlineData("https://shop.example.com/spring?ref=x&pm_click=0b9c6a3e-1f4d-4c39-9f52-5d1b1e0d9a77&utm_source=blog",
        "0b9c6a3e-1f4d-4c39-9f52-5d1b1e0d9a77")]
    [InlineData("/landing?pm_click=rel-1", "rel-1")]
    [InlineData("https://shop.example.com/?pm_click=a%2Bb%3D%3D", "a+b==")]
    [InlineData("https://shop.example.com/p?pm_click=frag#pm_click=other", "frag")]
    [InlineData("https://shop.example.com/p?xpm_click=no&pm_click=yes", "yes")]
    public void ClickIdFromLocation_WithPmClick_ReturnsDecodedValue(string location, string expected)
    {
        Assert.Equal(expected, ClickRedirect.ClickIdFromLocation(location));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://shop.example.com/spring")]
    [InlineData("https://shop.example.com/spring?ref=x")]
    [InlineData("https://shop.example.com/spring?pm_click=")]
    [InlineData("https://shop.example.com/spring?pm_click")]
    [InlineData("https://shop.example.com/spring#?pm_click=in-fragment-only")]
    [InlineData("https://shop.example.com/spring?PM_CLICK=case")]
    public void ClickIdFromLocation_WithoutUsablePmClick_ReturnsNull(string? location)
    {
        Assert.Null(ClickRedirect.ClickIdFromLocation(location));
    }

    [Fact]
    public void ClickIdFromSetCookie_FindsPmClickAmongCookies()
    {
        string[] headers =
        [
            "session=zzz; Path=/; HttpOnly",
            "pm_click=c-42; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly",
        ];

        Assert.Equal("c-42", ClickRedirect.ClickIdFromSetCookie(headers));
    }

    [Fact]
    public void ClickIdFromSetCookie_QuotedValue_IsUnquoted()
    {
        Assert.Equal("c 1", ClickRedirect.ClickIdFromSetCookie(["pm_click=\"c%201\"; Path=/"]));
    }

    [Fact]
    public void ClickIdFromSetCookie_NoPmClick_ReturnsNull()
    {
        Assert.Null(ClickRedirect.ClickIdFromSetCookie(["pm_clicks=1", "other=pm_click"]));
        Assert.Null(ClickRedirect.ClickIdFromSetCookie(null));
    }
}
