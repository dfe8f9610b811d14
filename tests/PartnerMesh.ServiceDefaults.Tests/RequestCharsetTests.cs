using System.Text;
using PartnerMesh.ServiceDefaults.WebApi;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

public class RequestCharsetTests
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("text/plain")]
    [InlineData("not a content type")]
    [InlineData(null)]
    public void Check_NoCharsetOrAnUnquotedKnownOne_LeavesTheContentTypeAsItIs(string? contentType)
    {
        Assert.Equal((null, null), RequestCharset.Check(contentType));
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"", "application/json; charset=utf-8")]
    [InlineData("application/json;charset=\"UTF-8\"", "application/json; charset=UTF-8")]
    [InlineData("application/json; CHARSET=\"iso-8859-1\"", "application/json; CHARSET=iso-8859-1")]
    public void Check_AQuotedKnownCharset_IsUnquoted(string contentType, string expected)
    {
        Assert.Equal((expected, null), RequestCharset.Check(contentType));
    }

    [Theory]
    [InlineData("application/json; charset=bogus", "bogus")]
    [InlineData("application/json; charset=\"bogus\"", "bogus")]
    [InlineData("application/json; charset=utf-7", "utf-7")]
    [InlineData("application/json; charset=\"\"", "")]
    [InlineData("application/json; charset=", "")]
    [InlineData("application/json; charset=ibm037", "ibm037")]
    [InlineData("application/x-www-form-urlencoded; charset=x-unknown", "x-unknown")]
    public void Check_AnUnknownCharset_IsNamed(string contentType, string charset)
    {
        Assert.Equal((null, charset), RequestCharset.Check(contentType));
    }

    [Fact]
    public void Check_EveryEncodingTheRuntimeLists_IsKnown_InAnyCase()
    {
        foreach (var name in Encoding.GetEncodings().Select(encoding => encoding.Name))
        {
            Assert.Equal((null, null), RequestCharset.Check($"application/json; charset={name}"));
            Assert.Equal((null, null), RequestCharset.Check($"application/json; charset={name.ToUpperInvariant()}"));
        }
    }
}
