using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

internal static class Json
{
    private static readonly JsonSerializerOptions Options = JsonSerializerOptions.Web;

    /// <summary>
    /// Stores a value as <c>jsonb</c>. Values are replaced whole, never mutated in place, so a change is a new instance:
    /// the comparer says so explicitly (by reference), instead of EF Core's warning that a collection has none, and
    /// change detection never serializes.
    /// </summary>
    public static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property) =>
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Options),
            json => JsonSerializer.Deserialize<T>(json, Options)!,
            new ValueComparer<T>(
                (left, right) => ReferenceEquals(left, right),
                value => value == null ? 0 : RuntimeHelpers.GetHashCode(value),
                value => value));
}
