using System.Buffers.Text;
using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.Testing;

/// <summary>
/// The one pattern every service's cursor-list theory follows: walk a list with the cursors it returns (each item once),
/// then show that a cursor from another list, a tampered cursor and made-up ones are a 400 naming the cursor parameter.
/// </summary>
public static class CursorPaging
{
    /// <summary>Follows <c>nextCursor</c> from the first page to the last; asserts that no item comes twice and returns them all.</summary>
    public static async Task<List<JsonObject>> WalkAsync(
        HttpClient client, string path, int limit = 2, string parameter = "after", string id = "id", CancellationToken cancellationToken = default)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        do
        {
            var page = await (await client.GetAsync(
                    $"{path}{separator}limit={limit}{(cursor is null ? "" : $"&{parameter}={Uri.EscapeDataString(cursor)}")}", cancellationToken))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            var pageItems = page["items"]!.AsArray().Select(item => item!.AsObject()).ToList();
            Assert.InRange(pageItems.Count, 0, limit);
            items.AddRange(pageItems);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(cursor is null || pageItems.Count == limit, "Only a full page has a next page.");
            Assert.True(items.Count < 10_000, "The cursor never ran out.");
        }
        while (cursor is not null);

        var ids = items.Select(item => item[id]!.ToJsonString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        return items;
    }

    /// <summary>The first page's <c>nextCursor</c> at <c>limit=1</c> (the list needs at least two items).</summary>
    public static async Task<string> FirstCursorAsync(HttpClient client, string path, CancellationToken cancellationToken = default)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var page = await (await client.GetAsync($"{path}{separator}limit=1", cancellationToken)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        return page["nextCursor"]?.GetValue<string>() ?? throw new InvalidOperationException($"{path} has fewer than two items.");
    }

    /// <summary>
    /// Cursors the list never returned: <paramref name="foreign"/> (another list's), the list's own with one character
    /// changed, and made-up ones (a random id in the old format — URL-safe base64 of its 16 bytes — and a plain id).
    /// </summary>
    public static IEnumerable<(string Kind, string Cursor)> Forgeries(string own, string foreign)
    {
        yield return ("another list's", foreign);
        yield return ("tampered", Tamper(own, 0));
        yield return ("tampered", Tamper(own, own.Length / 2));
        yield return ("tampered", Tamper(own, own.Length - 1));
        yield return ("made-up", Base64Url.EncodeToString(Guid.CreateVersion7().ToByteArray(bigEndian: true)));
        yield return ("made-up", Guid.CreateVersion7().ToString());
        yield return ("own, padded", own + "=");
    }

    /// <summary>Asserts each forgery of <paramref name="own"/> is a 400 problem naming <paramref name="parameter"/>.</summary>
    public static async Task AssertForgeriesRefusedAsync(
        HttpClient client, string path, string own, string foreign, string parameter = "after", CancellationToken cancellationToken = default)
    {
        Assert.NotEqual(own, foreign);
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        foreach (var (kind, cursor) in Forgeries(own, foreign))
        {
            var response = await client.GetAsync($"{path}{separator}{parameter}={Uri.EscapeDataString(cursor)}", cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind} cursor '{cursor}' on {path}: {(int)response.StatusCode}");
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains($"\"{parameter}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>The cursor with the character at <paramref name="index"/> replaced by another character of the URL-safe alphabet.</summary>
    public static string Tamper(string cursor, int index)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var replacement = alphabet[(alphabet.IndexOf(cursor[index], StringComparison.Ordinal) + 1) % alphabet.Length];
        return string.Concat(cursor.AsSpan(0, index), replacement.ToString(), cursor.AsSpan(index + 1));
    }
}
