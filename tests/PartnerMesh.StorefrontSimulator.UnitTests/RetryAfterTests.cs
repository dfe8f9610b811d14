using System.Net.Http.Headers;
using PartnerMesh.StorefrontSimulator.Gateway;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseHeaders Headers(Action<HttpResponseHeaders> configure)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        configure(response.Headers);
        return response.Headers;
    }

    [Fact]
    public void GetDelay_RetryAfterSeconds_IsThatDelay()
    {
        var headers = Headers(h => h.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));

        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_RetryAfterParsedFromRawHeader_IsThatDelay()
    {
        var headers = Headers(h => h.TryAddWithoutValidation("Retry-After", "3"));

        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_RetryAfterDate_IsTimeUntilThatDate()
    {
        var headers = Headers(h => h.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(12)));

        Assert.Equal(TimeSpan.FromSeconds(12), RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_RetryAfterDateInThePast_IsZero()
    {
        var headers = Headers(h => h.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(-5)));

        Assert.Equal(TimeSpan.Zero, RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_OnlyRateLimitReset_UsesIt()
    {
        var headers = Headers(h => h.TryAddWithoutValidation("RateLimit-Reset", "4"));

        Assert.Equal(TimeSpan.FromSeconds(4), RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_EpochRateLimitReset_IsIgnored()
    {
        var headers = Headers(h => h.TryAddWithoutValidation("X-RateLimit-Reset", "1740830400"));

        Assert.Equal(RetryAfter.Fallback, RetryAfter.GetDelay(headers, Now));
    }

    [Fact]
    public void GetDelay_NoHint_IsFallback()
    {
        Assert.Equal(RetryAfter.Fallback, RetryAfter.GetDelay(Headers(_ => { }), Now));
    }

    [Fact]
    public void GetDelay_HugeRetryAfter_IsCapped()
    {
        var headers = Headers(h => h.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(3)));

        Assert.Equal(RetryAfter.Longest, RetryAfter.GetDelay(headers, Now));
    }
}
