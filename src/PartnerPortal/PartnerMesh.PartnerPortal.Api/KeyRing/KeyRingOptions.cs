namespace PartnerMesh.PartnerPortal.Api.KeyRing;

/// <summary>
/// The secret that encrypts the data-protection key ring in <c>portaldb</c> (configuration section <c>PartnerPortal</c>;
/// in the AppHost the generated parameter <c>portal-data-protection-key</c>).
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "PartnerPortal";

    /// <summary>Base64, at least 32 bytes once decoded (44 letters and digits, as the AppHost generates, are 33 bytes).</summary>
    public string? DataProtectionKey { get; set; }

    /// <summary>Keys used before a rotation: still accepted for decrypting, never for encrypting.</summary>
    public IList<string> PreviousDataProtectionKeys { get; } = [];
}
