using System.Numerics;
using PartnerMesh.Contracts.Codes;
using PartnerMesh.Coupons.Api.Codes;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

public sealed class CodePatternTests
{
    [Theory]
    [InlineData("####", 4096)]                     // 8 digits without 0 and 1
    [InlineData("????", 279841)]                   // 23 letters without I, L and O
    [InlineData("**", 961)]                        // 31
    [InlineData("SPRING-####-????", 4096L * 279841)]
    public void Space_IsTheProductOfThePlaceholderAlphabets(string pattern, long expected)
    {
        var parsed = CodePattern.TryParse(pattern, null, null, out var error);
        Assert.Null(error);
        Assert.Equal(new BigInteger(expected), parsed!.Space);
    }

    [Fact]
    public void Alphabets_HaveNoAmbiguousCharacters()
    {
        Assert.DoesNotContain(CodePattern.Alphanumerics, character => "01OIL".Contains(character, StringComparison.Ordinal));
        Assert.Equal(31, CodePattern.Alphanumerics.Distinct().Count());
    }

    [Fact]
    public void WhyInfeasible_MoreThanATenthOfTheSpace_ExplainsWhy()
    {
        var pattern = CodePattern.TryParse("###", null, null, out _)!; // 512
        Assert.Null(pattern.WhyInfeasible(51));
        var reason = pattern.WhyInfeasible(52);
        Assert.NotNull(reason);
        Assert.Contains("512", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WhyInfeasible_ExistingCodesOfTheSpace_CountWithTheRequest()
    {
        var pattern = CodePattern.TryParse("##", "PCQ-", null, out _)!; // 64: at most 6
        Assert.Equal("PCQ-##", pattern.Template);
        Assert.Null(pattern.WhyInfeasible(2, existing: 4));
        var reason = pattern.WhyInfeasible(3, existing: 4);
        Assert.NotNull(reason);
        Assert.Contains("4 codes of \"PCQ-##\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_MatchesThePattern_WithPrefixAndSuffix()
    {
        var pattern = CodePattern.TryParse("SPRING-##??**", "EU-", "-X", out _)!;
        for (var index = 0; index < 500; index++)
        {
            var code = pattern.Next();
            Assert.Matches("^EU-SPRING-[2-9]{2}[A-HJKMNP-Z]{2}[2-9A-HJKMNP-Z]{2}-X$", code);
            Assert.True(CouponCodeFormat.TryNormalize(code, out var normalized) && normalized == code);
        }
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("FIXED", null, null)]
    [InlineData("spring-##", null, null)]
    [InlineData("##", "pre ", null)]
    [InlineData("##", null, "é")]
    public void TryParse_BadPatterns_NamedError(string pattern, string? prefix, string? suffix)
    {
        Assert.Null(CodePattern.TryParse(pattern, prefix, suffix, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParse_LongerThan64_Refused()
    {
        Assert.Null(CodePattern.TryParse(new string('#', 60), "PREFIX-", null, out var error));
        Assert.Contains("64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_MegabytePattern_RefusedBeforeItsSpaceIsComputed()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(CodePattern.TryParse(new string('*', 1_000_000), null, null, out _));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
    }
}
