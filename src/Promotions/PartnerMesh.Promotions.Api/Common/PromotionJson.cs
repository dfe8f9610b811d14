using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>One JSON shape for the API and for stored definitions: web defaults, enums as camelCase strings read exactly
/// (<see cref="ExactEnumConverter"/>: numbers refused, so <c>"exclusivity": 7</c> is a 400 rather than an undefined value,
/// and so are <c>"bestdeal"</c> and <c>"STACK"</c>), times read as UTC.</summary>
public static class PromotionJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new ExactEnumConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.RespectNullableAnnotations = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // jsonb reorders keys, and people write "type" anywhere: the discriminator need not come first.
        options.AllowOutOfOrderMetadataProperties = true;
        return options;
    }
}
