using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Attribution.Api.Common;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class PagingTests
{
    [Fact]
    public void Cursor_RoundTrips()
    {
        var id = Guid.CreateVersion7();

        Assert.True(Paging.TryDecodeCursor(Paging.EncodeCursor(id), out var decoded));
        Assert.Equal(id, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryDecodeCursor_Garbage_ReturnsFalse(string cursor) => Assert.False(Paging.TryDecodeCursor(cursor, out _));

    [Fact]
    public void ToPage_WithExtraRow_ReturnsCursorOfLastItem()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToList();

        var page = Paging.ToPage(ids, 2, id => id, id => id);

        Assert.Equal(ids.Take(2), page.Items);
        Assert.Equal(Paging.EncodeCursor(ids[1]), page.NextCursor);
    }

    [Fact]
    public void ToPage_WithoutExtraRow_HasNoCursor() => Assert.Null(Paging.ToPage(new[] { Guid.NewGuid() }, 2, id => id, id => id).NextCursor);
}
