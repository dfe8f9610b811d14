using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>What changed between two definitions, as JSON paths with the old and new values (arrays compared by index).</summary>
public static class DefinitionDiff
{
    public static IReadOnlyList<DefinitionChange> Between(PromotionDefinition from, PromotionDefinition to)
    {
        var changes = new List<DefinitionChange>();
        Compare("$", JsonSerializer.SerializeToNode(from, PromotionJson.Options), JsonSerializer.SerializeToNode(to, PromotionJson.Options), changes);
        return changes;
    }

    private static void Compare(string path, JsonNode? left, JsonNode? right, List<DefinitionChange> changes)
    {
        switch (left, right)
        {
            case (JsonObject leftObject, JsonObject rightObject):
                foreach (var name in leftObject.Select(pair => pair.Key).Union(rightObject.Select(pair => pair.Key)).Order(StringComparer.Ordinal))
                {
                    Compare($"{path}.{name}", leftObject[name], rightObject[name], changes);
                }

                break;
            case (JsonArray leftArray, JsonArray rightArray):
                for (var index = 0; index < Math.Max(leftArray.Count, rightArray.Count); index++)
                {
                    Compare($"{path}[{index}]", index < leftArray.Count ? leftArray[index] : null,
                        index < rightArray.Count ? rightArray[index] : null, changes);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(left, right))
                {
                    changes.Add(new DefinitionChange(path, left?.DeepClone(), right?.DeepClone()));
                }

                break;
        }
    }
}
