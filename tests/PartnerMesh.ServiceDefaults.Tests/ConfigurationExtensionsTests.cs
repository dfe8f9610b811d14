using Microsoft.Extensions.Configuration;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

public class ConfigurationExtensionsTests
{
    [Fact]
    public void GetRequiredConnectionString_WhenMissing_ThrowsNamingTheEnvironmentVariable()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetRequiredConnectionString(ResourceNames.AttributionDb));

        Assert.Contains("ConnectionStrings__attributiondb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredConnectionString_WhenPresent_ReturnsIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ConnectionStrings:redis", "127.0.0.1:6379")])
            .Build();

        Assert.Equal("127.0.0.1:6379", configuration.GetRequiredConnectionString(ResourceNames.Redis));
    }

    [Fact]
    public void GetRequiredValue_WhenBlank_ThrowsWithFullPath()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ServiceIdentity:SigningKey", " ")])
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetSection("ServiceIdentity").GetRequiredValue("SigningKey"));

        Assert.Contains("ServiceIdentity:SigningKey", error.Message, StringComparison.Ordinal);
    }
}
