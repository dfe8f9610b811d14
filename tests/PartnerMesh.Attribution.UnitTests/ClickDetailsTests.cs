using Microsoft.AspNetCore.Http;
using PartnerMesh.Attribution.Api.Clicks;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class ClickDetailsTests
{
    [Fact]
    public void From_ReadsUtmPaidClickIdsAndHeaders()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?utm_source=ig&utm_medium=&utm_term=t&msclkid=M&ttclid=T&other=x");
        context.Request.Headers.Referer = "https://ref.example/";
        context.Request.Headers.UserAgent = "UA/1";

        var details = ClickDetails.From(context.Request);

        Assert.Equal(("ig", null, null, "t", null), (details.UtmSource, details.UtmMedium, details.UtmCampaign, details.UtmTerm, details.UtmContent));
        Assert.Equal((null, null, "M", "T"), (details.Gclid, details.Fbclid, details.Msclkid, details.Ttclid));
        Assert.Equal(("https://ref.example/", "UA/1"), (details.Referrer, details.UserAgent));
        Assert.Equal([new("utm_source", "ig"), new("utm_term", "t")], details.Utm());
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("not-a-visitor", false)]
    [InlineData("01234567-89ab-cdef-0123-456789abcdef", false)]
    public void ReadVisitorId_AcceptsOnlyIdsWeIssue(string cookie, bool accepted)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{TrackingCookies.VisitorId}={cookie}";

        Assert.Equal(accepted ? cookie : null, TrackingCookies.ReadVisitorId(context.Request));
    }
}
