using System.Buffers.Text;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

public class PagingTests
{
    private const string List = "tests.things";

    [Fact]
    public void Cursor_RoundTrips_InItsList()
    {
        var id = Guid.CreateVersion7();

        Assert.True(Paging.TryDecodeCursor(List, Paging.EncodeCursor(List, id), out Guid decoded));
        Assert.Equal(id, decoded);
    }

    [Fact]
    public void Cursor_IsTheIdAndAFourByteCheck_InUrlSafeBase64()
    {
        var id = Guid.CreateVersion7();
        var cursor = Paging.EncodeCursor(List, id);

        Assert.Equal(27, cursor.Length);
        var bytes = Base64Url.DecodeFromChars(cursor);
        Assert.Equal(id.ToByteArray(bigEndian: true), bytes[..16]);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([.. "tests.things"u8, 0, .. bytes[..16]])[..4], bytes[16..]);
    }

    [Fact]
    public void Cursor_OfAnotherList_IsRefused()
    {
        var cursor = Paging.EncodeCursor("tests.other-things", Guid.CreateVersion7());

        Assert.False(Paging.TryDecodeCursor(List, cursor, out Guid _));
    }

    [Fact]
    public void Cursor_Tampered_IsRefused()
    {
        var cursor = Paging.EncodeCursor(List, Guid.CreateVersion7());

        for (var i = 0; i < cursor.Length; i++)
        {
            Assert.False(Paging.TryDecodeCursor(List, CursorPaging.Tamper(cursor, i), out Guid _), $"character {i}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("0190f1c2-7c1e-7aaa-8bbb-0123456789ab")]
    public void TryDecodeCursor_Garbage_ReturnsFalse(string cursor) => Assert.False(Paging.TryDecodeCursor(List, cursor, out Guid _));

    [Fact]
    public void TryDecodeCursor_MadeUpId_ReturnsFalse()
    {
        var oldFormat = Base64Url.EncodeToString(Guid.CreateVersion7().ToByteArray(bigEndian: true));

        Assert.False(Paging.TryDecodeCursor(List, oldFormat, out Guid _));
    }

    [Fact]
    public void Cursor_OtherSpellingsOfTheSameBytes_AreRefused()
    {
        var cursor = Paging.EncodeCursor(List, Guid.CreateVersion7());

        Assert.False(Paging.TryDecodeCursor(List, cursor + "=", out Guid _));
        Assert.False(Paging.TryDecodeCursor(List, " " + cursor, out Guid _));
    }

    [Fact]
    public void Cursor_WithOwnPosition_RoundTrips()
    {
        byte[] position = [1, 2, 3, 4, 5, 6, 7, 8];

        Assert.True(Paging.TryDecodeCursor(List, Paging.EncodeCursor(List, position), out byte[] decoded));
        Assert.Equal(position, decoded);
        Assert.False(Paging.TryDecodeCursor(List, Paging.EncodeCursor(List, position), out Guid _));
    }

    [Fact]
    public void Validate_NamesTheParameter()
    {
        var errors = Paging.Validate(List, 10, Paging.EncodeCursor("tests.other-things", Guid.CreateVersion7()), out _, out _, "before");

        Assert.Equal(["before"], errors!.Keys);
        Assert.Equal("before is not a cursor returned by this API.", errors["before"].Single());
    }

    [Fact]
    public void ToPage_WithExtraRow_ReturnsCursorOfLastItem()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToList();

        var page = Paging.ToPage(List, ids, 2, id => id, id => id);

        Assert.Equal(ids.Take(2), page.Items);
        Assert.Equal(Paging.EncodeCursor(List, ids[1]), page.NextCursor);
    }

    [Fact]
    public void ToPage_WithoutExtraRow_HasNoCursor() => Assert.Null(Paging.ToPage(List, new[] { Guid.NewGuid() }, 2, id => id, id => id).NextCursor);
}
