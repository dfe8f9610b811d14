using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerMesh.Surveys.Api.Common;

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    /// <summary>A hex SHA-256 of the value's JSON: "the same request" for idempotency replays.</summary>
    public static string Hash<T>(T value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(value, Options)));
}
