using PartnerMesh.Coupons.Api.Codes;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

public sealed class CustomerKeysTests
{
    [Theory]
    [InlineData("ann@example.com")]
    [InlineData(" Ann@Example.COM ")]
    [InlineData("\uFF41\uFF4E\uFF4E@example.com")]  // full-width ａｎｎ
    [InlineData("ann\uFF20example.com")]             // full-width ＠
    [InlineData("\u3000ann@example.com")]            // ideographic space
    public void Identify_CompatibilityFormsCasingAndSpaces_OneEmailKey(string email) =>
        Assert.Equal("email:ann@example.com", CustomerKeys.Identify(null, email).EmailKey);

    [Fact]
    public void Identify_ComposedAndDecomposedAccents_OneEmailKey()
    {
        Assert.Equal("email:jos\u00e9@example.com", CustomerKeys.Identify(null, "jos\u00e9@example.com").EmailKey);
        Assert.Equal("email:jos\u00e9@example.com", CustomerKeys.Identify(null, "JOSE\u0301@example.com").EmailKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("ann@")]
    public void Identify_NoAddress_NoEmailKey(string? email) => Assert.Null(CustomerKeys.Identify(null, email).EmailKey);

    [Fact]
    public void Identify_InvisibleCharacters_OneEmailKey() =>
        Assert.Equal("email:ann@example.com", CustomerKeys.Identify(null, "\u200fann\u200b@exam\u00adple.com\ufeff").EmailKey);

    [Fact]
    public void Identify_PlainAsciiEmail_KeyAsBefore() =>
        Assert.Equal("email:" + " Shopper@Example.com ".Trim().ToLowerInvariant(), CustomerKeys.Identify(null, " Shopper@Example.com ").EmailKey);
}
