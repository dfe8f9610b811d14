using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

internal static class Json
{
    private static readonly JsonSerializerOptions Options = JsonSerializerOptions.Web;

    /// <summary>Stores a value as <c>jsonb</c>; values are replaced whole, never mutated in place.</summary>
    public static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property) =>
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Options),
            json => JsonSerializer.Deserialize<T>(json, Options)!);
}
