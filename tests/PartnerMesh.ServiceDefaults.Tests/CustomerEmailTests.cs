using PartnerMesh.ServiceDefaults.Customers;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>The one rule every service keys a shopper's e-mail by.</summary>
public sealed class CustomerEmailTests
{
    [Theory]
    [InlineData("ann@example.com")]
    [InlineData(" Ann@Example.COM ")]
    [InlineData("\uFF41\uFF4E\uFF4E@example.com")]  // full-width ａｎｎ
    [InlineData("ann\uFF20example.com")]             // full-width ＠
    [InlineData("\u3000ann@example.com")]            // ideographic space
    [InlineData("ann\u200b@example.com")]            // zero-width space
    [InlineData("\u2060ann@example.com")]            // word joiner
    [InlineData("ann@example.com\uFEFF")]            // BOM
    [InlineData("\u200Fann@example.com")]            // right-to-left mark
    [InlineData("ann@exam\u00ADple.com")]            // soft hyphen
    [InlineData("ann\uFE0F@example.com")]            // variation selector (default-ignorable, not Cf)
    [InlineData("ann@\u200Bｅxample.com\u200B ")]
    public void Normalize_CompatibilityFormsCasingSpacesAndInvisibleCharacters_OneAddress(string email) =>
        Assert.Equal("ann@example.com", CustomerEmail.Normalize(email));

    [Fact]
    public void Normalize_ComposedAndDecomposedAccents_OneAddress()
    {
        Assert.Equal("jos\u00e9@example.com", CustomerEmail.Normalize("jos\u00e9@example.com"));
        Assert.Equal("jos\u00e9@example.com", CustomerEmail.Normalize("JOSE\u0301@example.com"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("@")]
    [InlineData("@x.example")]
    [InlineData("ann@")]
    [InlineData("ann@\u200b")]
    [InlineData("\u200b@x.example")]
    [InlineData("ann @x.example")]
    [InlineData("ann\t@x.example")]
    [InlineData("noatsign")]
    public void Normalize_NotAnAddress_Null(string? email) => Assert.Null(CustomerEmail.Normalize(email));

    [Fact]
    public void Normalize_LongerThanTheLimitOnceNormalised_Null()
    {
        var email = new string('a', 220) + "\uFDFA\uFDFA@example.com"; // NFKC spells U+FDFA out in eighteen characters
        Assert.True(email.Length <= CustomerEmail.MaxLength);
        Assert.Null(CustomerEmail.Normalize(email));
    }

    [Theory]
    [InlineData(" {0} ")]
    [InlineData("{0}\u200b")]
    [InlineData("\uFEFF{0}\u00AD")]
    public void Normalize_TheLimitCountsTheNormalisedAddress_NotSpacesOrInvisibleCharactersAround(string form)
    {
        var email = new string('a', 64) + "@" + new string('x', 181) + ".example";
        Assert.Equal(CustomerEmail.MaxLength, email.Length);

        Assert.Equal(email, CustomerEmail.Normalize(form.Replace("{0}", email, StringComparison.Ordinal)));
        Assert.Null(CustomerEmail.Normalize(form.Replace("{0}", "a" + email, StringComparison.Ordinal)));
    }

    [Fact]
    public void Normalize_AbsurdlyLongInput_NullBeforeAnyWork() =>
        Assert.Null(CustomerEmail.Normalize("ann@example.com" + new string('\u200b', 1024)));

    [Theory]
    [InlineData(" Ann\u200b@Example.com ", "ann@example.com")]
    [InlineData("not an address", "not an address")]
    [InlineData("ＡＮＮ", "ann")]
    public void Fold_AnyText_FoldedByTheSameRule(string text, string folded) => Assert.Equal(folded, CustomerEmail.Fold(text));

    [Fact]
    public void LoneSurrogate_IsNoAddress_ButFoldsAsGivenWithoutInvisibleCharacters()
    {
        Assert.Null(CustomerEmail.Normalize("ann\uD800@example.com"));
        Assert.Equal("ann\uD800@x", CustomerEmail.Fold(" ANN\uD800@X\u200b"));
    }
}
