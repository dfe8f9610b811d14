using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>One JSON shape for the API and for stored definitions: web defaults, enums as camelCase strings read exactly
/// (<see cref="ExactEnumConverter"/>: numbers refused, so <c>"exclusivity": 7</c> is a 400 rather than an undefined value,
/// and so are <c>"bestdeal"</c> and <c>"STACK"</c>), times read as UTC, times of day as <c>HH:mm</c>
/// (<see cref="ClockTimeConverter"/>: requests give exactly that; stored definitions may hold the seconds versions saved
/// before, so <see cref="Options"/>, which reads them, takes those too).</summary>
public static class PromotionJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web), stored: true);

    /// <param name="stored">For stored definitions rather than requests: times of day with seconds are read too.</param>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options, bool stored = false)
    {
        options.Converters.Add(new ExactEnumConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.Converters.Add(stored ? ClockTimeConverter.Stored : ClockTimeConverter.Strict);
        options.RespectNullableAnnotations = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // jsonb reorders keys, and people write "type" anywhere: the discriminator need not come first.
        options.AllowOutOfOrderMetadataProperties = true;
        return options;
    }
}
