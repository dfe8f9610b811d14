using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class RulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("a@example.com", true)]
    [InlineData("first.last+tag@sub.example.co.uk", true)]
    [InlineData("a@localhost", false)]
    [InlineData("no-at-sign", false)]
    [InlineData("Name <a@example.com>", false)]
    [InlineData("", false)]
    public void IsValidEmail(string email, bool expected) => Assert.Equal(expected, PartnerRules.IsValidEmail(email));

    [Theory]
    [InlineData("https://shop.example/", true)]
    [InlineData("http://shop.example:8080/p?q=1#f", true)]
    [InlineData("https://xn--bcher-kva.example/%C3%BC", true)]
    [InlineData("https://bücher.example/", false)]
    [InlineData("//shop.example/", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("https://shop.example/\r\nSet-Cookie:x=1", false)]
    public void IsValidTargetUrl(string url, bool expected) => Assert.Equal(expected, LinkRules.IsValidTargetUrl(url));

    [Fact]
    public void ValidateConversion_Valid_ReturnsNoErrors() =>
        Assert.Null(ConversionRules.Validate(new RecordConversionRequest("o-1", Guid.NewGuid(), 0.01m, "EUR", Now), Now));

    [Fact]
    public void ValidateConversion_OrderedAtWithinSkew_IsAccepted() =>
        Assert.Null(ConversionRules.Validate(new RecordConversionRequest("o-1", null, 1m, "EUR", Now.AddMinutes(5)), Now));

    [Fact]
    public void ValidateConversion_EverythingMissing_NamesEveryRequiredField()
    {
        var errors = ConversionRules.Validate(new RecordConversionRequest(null, null, null, null, null), Now);

        Assert.Equal(["amount", "currency", "orderId"], errors!.Keys.Order());
    }
}
