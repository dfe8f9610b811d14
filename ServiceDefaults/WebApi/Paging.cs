using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.ServiceDefaults.WebApi;

public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset pagination, usually over time-ordered (version 7) ids, so pages stay stable while rows are added. Every cursor
/// list of every service pages through here, so cursors look alike: the cursor is the URL-safe base64 (no padding) of the
/// position (the last id's 16 big-endian bytes, or a list's own key bytes) followed by a 4-byte check, the first bytes of
/// SHA-256 over the list's name and the position. The check is no secret (partner isolation is the queries' job); it makes
/// a cursor from another list, a made-up one and a tampered one a 400 instead of a silently wrong page.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private const int CheckLength = 4;
    private const int MaxCursorLength = 512;

    public static string EncodeCursor(string list, Guid lastId) => EncodeCursor(list, lastId.ToByteArray(bigEndian: true));

    public static string EncodeCursor(string list, ReadOnlySpan<byte> position)
    {
        var bytes = new byte[position.Length + CheckLength];
        position.CopyTo(bytes);
        Check(list, position, bytes.AsSpan(position.Length));
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecodeCursor(string list, string cursor, out Guid lastId)
    {
        var found = TryDecodeCursor(list, cursor, out byte[] position) && position.Length == 16;
        lastId = found ? new Guid(position, bigEndian: true) : Guid.Empty;
        return found;
    }

    /// <summary>The position of a cursor <see cref="EncodeCursor(string, ReadOnlySpan{byte})"/> made for <paramref name="list"/>; false for anything else.</summary>
    public static bool TryDecodeCursor(string list, string cursor, out byte[] position)
    {
        position = [];
        // TryDecodeFromChars throws on characters outside the alphabet, so check them first: a bad cursor is a 400.
        if (cursor.Length > MaxCursorLength || !Base64Url.IsValid(cursor, out var length) || length <= CheckLength)
        {
            return false;
        }

        var bytes = new byte[length];
        Span<byte> check = stackalloc byte[CheckLength];
        if (!Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != length)
        {
            return false;
        }

        var candidate = bytes.AsSpan(0, length - CheckLength);
        Check(list, candidate, check);
        // Re-encoding must give the cursor back: other spellings of the same bytes (padding, spare bits) were not returned by the API.
        if (!check.SequenceEqual(bytes.AsSpan(length - CheckLength)) || Base64Url.EncodeToString(bytes) != cursor)
        {
            return false;
        }

        position = candidate.ToArray();
        return true;
    }

    /// <summary>The errors entry for a cursor this API did not return for the list, under the query parameter's name.</summary>
    public static string[] NotACursor(string parameter) => [$"{parameter} is not a cursor returned by this API."];

    /// <summary>Validates <c>?limit=&amp;after=</c> of the list <paramref name="list"/>; returns the errors to report, or <c>null</c> when both are usable.</summary>
    public static Dictionary<string, string[]>? Validate(
        string list, int? limit, string? after, out int take, out Guid? afterId, string parameter = "after")
    {
        var errors = ValidateLimit(limit, out take);
        afterId = null;
        if (after is not null)
        {
            if (TryDecodeCursor(list, after, out Guid decoded))
            {
                afterId = decoded;
            }
            else
            {
                errors ??= [];
                errors[parameter] = NotACursor(parameter);
            }
        }

        return errors;
    }

    /// <summary>Validates <c>?limit=</c>; returns the error to report, or <c>null</c>.</summary>
    public static Dictionary<string, string[]>? ValidateLimit(int? limit, out int take)
    {
        take = limit ?? DefaultLimit;
        return take is < 1 or > MaxLimit ? new() { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] } : null;
    }

    /// <summary>Builds the page from up to <paramref name="take"/> + 1 rows: the extra row only proves there is a next page.</summary>
    public static PageResponse<TResponse> ToPage<TRow, TResponse>(
        string list, IReadOnlyList<TRow> rows, int take, Func<TRow, Guid> id, Func<TRow, TResponse> map)
    {
        var items = rows.Take(take).Select(map).ToList();
        var nextCursor = rows.Count > take ? EncodeCursor(list, id(rows[take - 1])) : null;
        return new PageResponse<TResponse>(items, nextCursor);
    }

    private static void Check(string list, ReadOnlySpan<byte> position, Span<byte> check)
    {
        var input = new byte[Encoding.UTF8.GetByteCount(list) + 1 + position.Length];
        var nameLength = Encoding.UTF8.GetBytes(list, input);
        position.CopyTo(input.AsSpan(nameLength + 1));
        SHA256.HashData(input)[..CheckLength].CopyTo(check);
    }
}
