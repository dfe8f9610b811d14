using PartnerMesh.Contracts.Codes;
using PartnerMesh.Coupons.Api.Codes;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

public sealed class CouponCodeFormatTests
{
    [Theory]
    [InlineData("spring10", "SPRING10")]
    [InlineData("  Spring-10_a \t", "SPRING-10_A")]
    [InlineData("ＳＰＲＩＮＧ１０", "SPRING10")]      // full-width letters and digits: NFKC
    [InlineData("\u00A0SPRING10\u00A0", "SPRING10")] // no-break spaces trimmed after NFKC
    [InlineData("ﬁ-CODE", "FI-CODE")]               // ligature ﬁ decomposes to f + i
    public void TryNormalize_AcceptedSpellings_GiveTheCanonicalCode(string input, string expected)
    {
        Assert.True(CouponCodeFormat.TryNormalize(input, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData("SPRІNG10")]  // Cyrillic І
    [InlineData("sprıng10")]  // dotless ı: would upper-case to I
    [InlineData("straße")]    // ß has no single upper-case letter
    [InlineData("SPRING 10")]
    [InlineData("SPRING\u200B10")]
    [InlineData("SPRING%")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("\uD800")]    // lone surrogate: not valid Unicode
    public void TryNormalize_LookAlikesAndOtherCharacters_Refused(string? input)
    {
        Assert.False(CouponCodeFormat.TryNormalize(input, out _));
    }

    [Fact]
    public void TryNormalize_Length_AtMost64_AndHugeInputRefusedCheaply()
    {
        Assert.True(CouponCodeFormat.TryNormalize(new string('A', 64), out _));
        Assert.False(CouponCodeFormat.TryNormalize(new string('A', 65), out _));
        Assert.False(CouponCodeFormat.TryNormalize(new string('A', 10_240), out _));
    }

    [Theory]
    [InlineData("c-1", null, "id:c-1")]
    [InlineData(" c-1 ", "ann@example.com", "id:c-1")]
    [InlineData(null, " Ann@Example.COM ", "email:ann@example.com")]
    [InlineData("  ", "ann@example.com", "email:ann@example.com")]
    [InlineData(null, null, null)]
    public void CustomerKeys_IdFirst_ElseNormalisedEmail(string? id, string? email, string? expected) =>
        Assert.Equal(expected, CustomerKeys.Of(id, email));

    [Fact]
    public void CustomerKeys_Identify_EveryKeyTheShopperPresents()
    {
        var both = CustomerKeys.Identify(" c-1 ", " Ann@Example.COM ");

        Assert.Equal(("id:c-1", "email:ann@example.com", "id:c-1"), (both.IdKey, both.EmailKey, both.Key));
        Assert.Equal(["email:ann@example.com", "id:c-1"], both.Keys);
        Assert.True(both.Has("email:ann@example.com"));
        Assert.Empty(CustomerKeys.Identify(" ", null).Keys);
    }
}
