namespace PartnerMesh.Surveys.Api.Common;

public static class StoredText
{
    /// <summary>PostgreSQL text and jsonb cannot hold U+0000: such input is refused as invalid rather than failing the write.</summary>
    public static bool IsStorable(string? value) => value is null || !value.Contains('\0', StringComparison.Ordinal);
}
