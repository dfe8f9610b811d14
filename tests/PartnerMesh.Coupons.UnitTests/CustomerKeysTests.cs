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
    public void NormalizeEmail_NoAddress_Null(string? email) => Assert.Null(CustomerKeys.NormalizeEmail(email));

    [Fact]
    public void NormalizeEmail_LoneSurrogate_Null() => Assert.Null(CustomerKeys.NormalizeEmail("ann\uD800@example.com")); // not text

    [Fact]
    public void NormalizeEmail_LongerThanTheLimitOnceNormalised_Null()
    {
        var email = new string('a', 220) + "\uFDFA\uFDFA@example.com"; // NFKC spells U+FDFA out in eighteen characters
        Assert.True(email.Length <= CustomerKeys.MaxEmailLength);
        Assert.Null(CustomerKeys.NormalizeEmail(email));
    }

    [Fact]
    public void Identify_PlainAsciiEmail_KeyAsBefore() =>
        Assert.Equal("email:" + " Shopper@Example.com ".Trim().ToLowerInvariant(), CustomerKeys.Identify(null, " Shopper@Example.com ").EmailKey);
}
