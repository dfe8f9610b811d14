using System.Buffers.Binary;
using System.Text;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// Keyset pagination of keys in creation order, in the <c>?limit=&amp;after=</c> / <see cref="PageResponse{T}"/> shape of the
/// other services' lists (<see cref="Paging"/>). Key ids are random, so the cursor's position is the last key's creation time and id.
/// </summary>
public static class ApiKeyPaging
{
    public const int DefaultLimit = Paging.DefaultLimit;
    public const int MaxLimit = Paging.MaxLimit;

    private const string KeysList = "gateway.keys";
    private const int CursorBytes = sizeof(long) + ApiKeyFormat.KeyIdLength;

    public readonly record struct Cursor(DateTimeOffset CreatedAt, string Id);

    public static string Encode(Cursor cursor)
    {
        Span<byte> bytes = stackalloc byte[CursorBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, cursor.CreatedAt.UtcTicks);
        Encoding.ASCII.GetBytes(cursor.Id, bytes[sizeof(long)..]);
        return Paging.EncodeCursor(KeysList, bytes);
    }

    public static bool TryDecode(string value, out Cursor cursor)
    {
        cursor = default;
        if (!Paging.TryDecodeCursor(KeysList, value, out byte[] bytes) || bytes.Length != CursorBytes)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var id = Encoding.ASCII.GetString(bytes, sizeof(long), ApiKeyFormat.KeyIdLength);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !ApiKeyFormat.IsValidKeyId(id))
        {
            return false;
        }

        cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }

    /// <summary>Validates <c>?limit=&amp;after=</c>; returns the errors to report, or <c>null</c> when both are usable.</summary>
    public static Dictionary<string, string[]>? Validate(int? limit, string? after, out int take, out Cursor? cursor)
    {
        var errors = Paging.ValidateLimit(limit, out take);
        cursor = null;
        if (after is not null)
        {
            if (TryDecode(after, out var decoded))
            {
                cursor = decoded;
            }
            else
            {
                errors ??= [];
                errors["after"] = Paging.NotACursor("after");
            }
        }

        return errors;
    }
}
