using PartnerMesh.Coupons.Api.Checkout;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

public sealed class LeakDetectorTests
{
    private static readonly Guid Owner = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a1");
    private static readonly string[] Sites = ["retailmenot.com", "slickdeals.net"];

    [Fact]
    public void CodeWithoutPartner_NeverLeaks() =>
        Assert.Null(LeakDetector.Check(null, null, "https://www.retailmenot.com/x", Sites));

    [Fact]
    public void OwnersTraffic_CleanReferrer_NotFlagged() =>
        Assert.Null(LeakDetector.Check(Owner, Owner, "https://blog.example/post", Sites));

    [Theory]
    [InlineData(null)]
    [InlineData("0193a1b2-0000-7000-8000-0000000000a2")]
    public void OtherOrNoTraffic_NoPartnerClick(string? traffic) =>
        Assert.Equal(LeakDetector.NoPartnerClick, LeakDetector.Check(Owner, traffic is null ? null : Guid.Parse(traffic), null, Sites));

    [Theory]
    [InlineData("https://www.retailmenot.com/view/shop")]
    [InlineData("https://RetailMeNot.com.")]
    [InlineData(" http://deals.slickdeals.net/x ")]
    [InlineData("https://ｒｅｔａｉｌｍｅｎｏｔ.com/")]
    [InlineData("retailmenot.com")]                   // a bare host, no scheme
    [InlineData(" www.RetailMeNot.com/view/shop ")]
    [InlineData("deals.slickdeals.net:8080/x")]
    [InlineData("//retailmenot.com/view/shop")]       // scheme-relative
    public void CouponSiteReferrer_FlaggedEvenOnTheOwnersTraffic(string referrer) =>
        Assert.Equal(LeakDetector.CouponSiteReferrer, LeakDetector.Check(Owner, Owner, referrer, Sites));

    [Theory]
    [InlineData("RetailMeNot.com.")]
    [InlineData("www.retailmenot.com")]
    [InlineData(" .retailmenot.com ")]
    public void ConfiguredSiteInAnotherForm_StillMatches(string configured) =>
        Assert.Equal(LeakDetector.CouponSiteReferrer, LeakDetector.Check(Owner, Owner, "https://retailmenot.com/x", [configured]));

    [Theory]
    [InlineData("https://notretailmenot.com/")]
    [InlineData("notretailmenot.com/x")]
    [InlineData("retailmenot.com.evil.example")]
    [InlineData("not a url")]
    [InlineData("/view/shop")]
    [InlineData("https://[::1]/")]
    public void LookAlikeOrUnparsableReferrer_NotACouponSite(string referrer) =>
        Assert.Null(LeakDetector.Check(Owner, Owner, referrer, Sites));
}
