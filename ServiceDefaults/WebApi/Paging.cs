using System.Buffers.Text;

namespace PartnerMesh.ServiceDefaults.WebApi;

public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset pagination over time-ordered (version 7) ids: the cursor is the opaque, URL-safe encoding of the last id
/// returned, so pages stay stable while rows are added. Every service's cursor lists use it, so cursors look alike.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string EncodeCursor(Guid lastId) => Base64Url.EncodeToString(lastId.ToByteArray(bigEndian: true));

    public static bool TryDecodeCursor(string cursor, out Guid lastId)
    {
        Span<byte> bytes = stackalloc byte[16];
        // TryDecodeFromChars throws on characters outside the alphabet, so check them first: a bad cursor is a 400.
        if (cursor.Length == 22 && Base64Url.IsValid(cursor, out var length) && length == 16
            && Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == 16)
        {
            lastId = new Guid(bytes, bigEndian: true);
            return true;
        }

        lastId = Guid.Empty;
        return false;
    }

    /// <summary>Validates <c>?limit=&amp;after=</c>; returns the errors to report, or <c>null</c> when both are usable.</summary>
    public static Dictionary<string, string[]>? Validate(int? limit, string? after, out int take, out Guid? afterId)
    {
        var errors = new Dictionary<string, string[]>();
        take = limit ?? DefaultLimit;
        afterId = null;
        if (take is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (after is not null)
        {
            if (TryDecodeCursor(after, out var decoded))
            {
                afterId = decoded;
            }
            else
            {
                errors["after"] = ["after is not a cursor returned by this API."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>Builds the page from up to <paramref name="take"/> + 1 rows: the extra row only proves there is a next page.</summary>
    public static PageResponse<TResponse> ToPage<TRow, TResponse>(
        IReadOnlyList<TRow> rows, int take, Func<TRow, Guid> id, Func<TRow, TResponse> map)
    {
        var items = rows.Take(take).Select(map).ToList();
        var nextCursor = rows.Count > take ? EncodeCursor(id(rows[take - 1])) : null;
        return new PageResponse<TResponse>(items, nextCursor);
    }
}
