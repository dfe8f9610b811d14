namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>The portal with a configured public base URL for tracking links (<c>PartnerPortal:PublicBaseUrl</c>).</summary>
public sealed class PublicBaseUrlPortalFactory : PortalApiFactory
{
    public const string PublicBaseUrl = "https://go.shop.example/";

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["PartnerPortal:PublicBaseUrl"] = PublicBaseUrl;
    }
}
