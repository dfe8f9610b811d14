using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>surveys-api has no address when the gateway starts.</summary>
public sealed class LateAddressGatewayFactory : GatewayFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings.Remove($"services:{ResourceNames.SurveysApi}:http:0");
    }
}

public class ServiceDiscoveryTests(LateAddressGatewayFactory factory) : IClassFixture<LateAddressGatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServiceAddressConfiguredAfterStart_IsRoutedWithoutRestart()
    {
        var client = await factory.CreateStorefrontClientAsync();
        await (await client.GetAsync("/api/surveys/1", Ct)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);

        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        configuration[$"services:{ResourceNames.SurveysApi}:http:0"] = factory.Upstream.AddressOf(ResourceNames.SurveysApi);
        configuration.Reload();

        await Eventually.UntilAsync(
            async () => (await client.GetAsync("/api/surveys/1", Ct)).StatusCode == HttpStatusCode.OK,
            because: "the configuration reload should reach service discovery and YARP");
        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync("/api/surveys/1", Ct));
        Assert.Equal(ResourceNames.SurveysApi, echoed.Service);
    }
}
