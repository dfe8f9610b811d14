using PartnerMesh.Attribution.Api.Links;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class LinkCodeTests
{
    [Fact]
    public void Generate_ProducesValidCodesFromTheUnambiguousAlphabet()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => LinkCode.Generate()).ToList();

        Assert.All(codes, code =>
        {
            Assert.Equal(LinkCode.GeneratedLength, code.Length);
            Assert.True(LinkCode.IsValid(code));
            Assert.DoesNotContain(code, character => "01ilo".Contains(character, StringComparison.Ordinal));
        });
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("summer-sale-2025", true)]
    [InlineData("0day", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("ab", false)]
    [InlineData("-abc", false)]
    [InlineData("Abc", false)]
    [InlineData("ab_c", false)]
    [InlineData("abc\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid_FollowsThePattern(string? code, bool expected) => Assert.Equal(expected, LinkCode.IsValid(code));

    [Theory]
    [InlineData("spring-1", "spring-1")]
    [InlineData("  SPRING-1 \t", "spring-1")]
    [InlineData("\uFF53\uFF50\uFF52\uFF49\uFF4E\uFF47\uFF0D\uFF11", "spring-1")] // full-width, as coupons reads it
    [InlineData("spr\u0131ng", null)] // a look-alike is never folded into the code it imitates
    [InlineData("two words", null)]
    [InlineData(null, null)]
    public void Fold_ReadsACodeAsCouponsAndPromotionsDo(string? input, string? expected) => Assert.Equal(expected, LinkCode.Fold(input));
}
