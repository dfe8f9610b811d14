using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// Keyset pagination of keys in creation order, in the <c>?limit=&amp;after=</c> / <see cref="PageResponse{T}"/> shape of the
/// other services' lists (<see cref="Paging"/>). Key ids are random, so the opaque cursor is the last key's creation time and id (URL-safe base64).
/// </summary>
public static class ApiKeyPaging
{
    public const int DefaultLimit = Paging.DefaultLimit;
    public const int MaxLimit = Paging.MaxLimit;

    private const int CursorBytes = sizeof(long) + ApiKeyFormat.KeyIdLength;

    public readonly record struct Cursor(DateTimeOffset CreatedAt, string Id);

    public static string Encode(Cursor cursor)
    {
        Span<byte> bytes = stackalloc byte[CursorBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, cursor.CreatedAt.UtcTicks);
        Encoding.ASCII.GetBytes(cursor.Id, bytes[sizeof(long)..]);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string value, out Cursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[CursorBytes];
        // TryDecodeFromChars throws on characters outside the alphabet, so check them first: a bad cursor is a 400.
        if (!Base64Url.IsValid(value, out var length) || length != CursorBytes
            || !Base64Url.TryDecodeFromChars(value, bytes, out var written) || written != CursorBytes)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var id = Encoding.ASCII.GetString(bytes[sizeof(long)..]);
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
        var errors = new Dictionary<string, string[]>();
        take = limit ?? DefaultLimit;
        cursor = null;
        if (take is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (after is not null)
        {
            if (TryDecode(after, out var decoded))
            {
                cursor = decoded;
            }
            else
            {
                errors["after"] = ["after is not a cursor returned by this API."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }
}
