using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class FraudRulesTests
{
    private static readonly DateTimeOffset OrderedAt = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private static FraudCheck Clean() => new(
        "partner@example.com", "p-cust", "shopper@example.com", "c-1", OrderedAt.AddHours(-2), OrderedAt, false, 1, false, FraudPolicy.Default);

    private static IEnumerable<string> Rules(FraudCheck check) => FraudRules.Evaluate(check).Select(flag => flag.Rule);

    [Fact]
    public void CleanOrder_RaisesNothing() => Assert.Empty(FraudRules.Evaluate(Clean()));

    [Theory]
    [InlineData("partner@example.com")]
    [InlineData("PARTNER@Example.com")]
    [InlineData("partner+deal@example.com")]
    public void SelfReferral_ByEmail(string customerEmail) =>
        Assert.Equal([FraudRules.SelfReferral], Rules(Clean() with { CustomerEmail = customerEmail }));

    [Fact]
    public void SelfReferral_GmailDotsAndGooglemail()
    {
        var check = Clean() with { PartnerEmail = "jane.doe@gmail.com", CustomerEmail = "JaneDoe+x@googlemail.com" };

        Assert.Equal([FraudRules.SelfReferral], Rules(check));
    }

    [Theory]
    [InlineData("ｂｏｂ.smith@gmail.com")]
    [InlineData("ＢＯＢ．ＳＭＩＴＨ＠ＧＭＡＩＬ．ＣＯＭ")]
    [InlineData("bob.smith@gmail.com.")]
    [InlineData("Bob.Smith+x@googlemail.com.")]
    [InlineData(" bob.smith@GMAIL.com ")]
    public void CanonicalEmail_FoldsFullWidthForms_AndATrailingRootDot(string email) =>
        Assert.Equal("bobsmith@gmail.com", FraudRules.CanonicalEmail(email));

    [Theory]
    [InlineData("partner@example.com.")]
    [InlineData("ｐａｒｔｎｅｒ@example.com")]
    public void SelfReferral_ByEmailInAnotherForm(string customerEmail) =>
        Assert.Equal([FraudRules.SelfReferral], Rules(Clean() with { CustomerEmail = customerEmail }));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bob@")]
    [InlineData("bob@.")]
    [InlineData("@gmail.com")]
    public void CanonicalEmail_NoMailbox_IsNull(string? email) => Assert.Null(FraudRules.CanonicalEmail(email));

    [Fact]
    public void SelfReferral_ByCustomerId_IsExact() => Assert.Empty(Rules(Clean() with { CustomerId = "P-CUST" }));

    [Theory]
    [InlineData("x@ｍａｉｌｉｎａｔｏｒ.com")]
    [InlineData("x@mailinator.com.")]
    public void DisposableEmail_InAnotherForm(string customerEmail) =>
        Assert.Contains(FraudRules.DisposableEmail, Rules(Clean() with { CustomerEmail = customerEmail }));

    [Fact]
    public void SelfReferral_ByCustomerId() => Assert.Equal([FraudRules.SelfReferral], Rules(Clean() with { CustomerId = "p-cust" }));

    [Fact]
    public void DifferentPeopleAtTheSameDomain_AreNotSelfReferral() =>
        Assert.Empty(Rules(Clean() with { CustomerEmail = "someone.else@example.com" }));

    [Theory]
    [InlineData(0, true)]
    [InlineData(9, true)]
    [InlineData(10, false)]
    public void FastConversion_BelowTheMinimum(int seconds, bool flagged) =>
        Assert.Equal(flagged, Rules(Clean() with { ClickedAt = OrderedAt.AddSeconds(-seconds) }).Contains(FraudRules.FastConversion));

    [Theory]
    [InlineData(0)]
    [InlineData(-120)]
    public void FastConversion_SwitchedOff_NeverFires(int seconds) =>
        Assert.DoesNotContain(FraudRules.FastConversion, Rules(Clean() with
        {
            ClickedAt = OrderedAt.AddSeconds(-seconds), ReceivedAt = OrderedAt.AddSeconds(1), Policy = FraudPolicy.Default with { MinClickToConversion = TimeSpan.Zero },
        }));

    [Theory]
    [InlineData(5, true)]
    [InlineData(60, false)]
    [InlineData(null, false)]
    public void FastConversion_OrderDatedBeforeItsClick_IsJudgedByItsReceipt(int? receivedSecondsAfterClick, bool flagged)
    {
        var clickedAt = OrderedAt.AddSeconds(120);
        var check = Clean() with { ClickedAt = clickedAt, ReceivedAt = receivedSecondsAfterClick is { } seconds ? clickedAt.AddSeconds(seconds) : null };

        Assert.Equal(flagged, Rules(check).Contains(FraudRules.FastConversion));
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public void ClickFlooding_AtTheThreshold(int clicks, bool flagged) =>
        Assert.Equal(flagged, Rules(Clean() with { RecentClicksFromSameSource = clicks }).Contains(FraudRules.ClickFlooding));

    [Fact]
    public void PaidClick_OnlyUnderANoPaidSearchPolicy()
    {
        Assert.Empty(Rules(Clean() with { ClickHasPaidClickId = true }));
        Assert.Equal([FraudRules.PaidSearchPolicy],
            Rules(Clean() with { ClickHasPaidClickId = true, Policy = FraudPolicy.Default with { NoPaidSearch = true } }));
    }

    [Theory]
    [InlineData("x@mailinator.com", true)]
    [InlineData("x@MAILINATOR.COM", true)]
    [InlineData("x@sub.mailinator.com", true)]
    [InlineData("x@yopmail.com", true)]
    [InlineData("x@notmailinator.com", false)]
    [InlineData("x@example.com", false)]
    public void DisposableDomains(string email, bool flagged) => Assert.Equal(flagged, FraudRules.IsDisposable(email));

    [Fact]
    public void CodeLeak_Flags() => Assert.Equal([FraudRules.CodeLeak], Rules(Clean() with { CodeLeakSuspected = true }));

    [Fact]
    public void SeveralRules_AllReported()
    {
        var check = Clean() with { CustomerEmail = "partner@example.com", ClickedAt = OrderedAt, RecentClicksFromSameSource = 50 };

        Assert.Equal([FraudRules.SelfReferral, FraudRules.ClickFlooding, FraudRules.FastConversion], Rules(check));
    }
}

public class RedirectRulesTests
{
    private static readonly string[] Hosts = ["shop.example", "*.brand.example"];

    [Theory]
    [InlineData("https://shop.example/p", true)]
    [InlineData("https://SHOP.example/p", true)]
    [InlineData("https://eu.brand.example/p", true)]
    [InlineData("https://brand.example/p", false)]
    [InlineData("https://evil.example/p", false)]
    [InlineData("https://shop.example.evil.example/p", false)]
    [InlineData("https://evilbrand.example/p", false)]
    [InlineData("https://shop.example@evil.example/p", false)]
    [InlineData("//evil.example/p", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("https://evil.example\\@shop.example/", false)]
    public void OnlyAllowedHosts(string url, bool allowed) => Assert.Equal(allowed, RedirectRules.IsAllowed(url, Hosts));

    [Fact]
    public void WithoutAList_OnlyTheLinksOwnHost()
    {
        Assert.True(RedirectRules.IsAllowed("https://shop.example/other", [], sameHostAs: "https://shop.example/landing"));
        Assert.False(RedirectRules.IsAllowed("https://evil.example/", [], sameHostAs: "https://shop.example/landing"));
    }
}
