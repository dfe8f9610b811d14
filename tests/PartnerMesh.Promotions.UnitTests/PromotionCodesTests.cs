using PartnerMesh.Promotions.Domain.Evaluation;
using Xunit;

namespace PartnerMesh.Promotions.UnitTests;

/// <summary>Codes match as the coupons service matches them (CouponCodeFormat), never by folding a look-alike.</summary>
public sealed class PromotionCodesTests
{
    [Theory]
    [InlineData("summer10", "SUMMER10")]
    [InlineData("  Summer-10_a \t", "SUMMER-10_A")]
    [InlineData("ｓｕｍｍｅｒ１０", "SUMMER10")]       // full-width: NFKC
    [InlineData("\u00A0SUMMER10\u00A0", "SUMMER10")] // no-break spaces
    public void Normalize_ACode_IsWhatCouponsStoresItAs(string entered, string expected)
    {
        Assert.True(PromotionCodes.TryNormalize(entered, out var code));
        Assert.Equal(expected, code);
        Assert.Equal(expected, PromotionCodes.Normalize(entered));
    }

    [Theory]
    [InlineData("spr\u0131ng")]  // dotless ı: ToUpperInvariant would make it SPRING
    [InlineData("\u0406X")]       // Cyrillic І
    [InlineData("SPRING\u200B")] // zero-width space
    [InlineData("SPR ING")]
    [InlineData(" \u00E9t\u00E9 ")]
    public void Normalize_AStringThatCannotBeACode_StaysAsEntered_AndMatchesNoCode(string entered)
    {
        Assert.False(PromotionCodes.TryNormalize(entered, out _));
        Assert.Equal(entered.Trim(), PromotionCodes.Normalize(entered));
        Assert.False(PromotionCodes.TryNormalize(PromotionCodes.Normalize(entered), out _));
    }
}
