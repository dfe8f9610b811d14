using System.Text.Json;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>Stored definitions are the API's JSON, so a version reads back exactly as it was written.</summary>
public static class PromotionDefinitions
{
    public static string Write(PromotionDefinition definition) => JsonSerializer.Serialize(definition, PromotionJson.Options);

    public static PromotionDefinition Read(string json) =>
        JsonSerializer.Deserialize<PromotionDefinition>(json, PromotionJson.Options)
        ?? throw new JsonException("A stored promotion definition is null.");
}
