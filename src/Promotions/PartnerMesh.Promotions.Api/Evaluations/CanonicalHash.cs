using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// Hashes a canonical text (UTF-8) as it is written, without building it: every evaluation fingerprints its cart and
/// signs its quote, and building those texts as strings was a quarter of what an evaluation allocated.
/// </summary>
internal sealed class CanonicalHash : IDisposable
{
    private const int BufferSize = 1024;
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Shared;

    private readonly IncrementalHash _hash;
    private byte[] _buffer = Pool.Rent(BufferSize);
    private int _used;

    private CanonicalHash(IncrementalHash hash) => _hash = hash;

    public static CanonicalHash Sha256() => new(IncrementalHash.CreateHash(HashAlgorithmName.SHA256));

    public static CanonicalHash HmacSha256(byte[] key) => new(IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));

    public CanonicalHash Append(char value)
    {
        Span<char> one = [value];
        return Append(one);
    }

    public CanonicalHash Append(string? value) => Append(value.AsSpan());

    public CanonicalHash Append(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var room = (_buffer.Length - _used) / 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
            if (room == 0)
            {
                Flush();
                continue;
            }

            var take = Math.Min(room, text.Length);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
            {
                take--; // keep a surrogate pair together
                if (take == 0)
                {
                    Flush();
                    continue;
                }
            }

            _used += Encoding.UTF8.GetBytes(text[..take], _buffer.AsSpan(_used));
            text = text[take..];
        }

        return this;
    }

    public CanonicalHash Append(long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        return Append(digits[..written]);
    }

    /// <summary>An amount without trailing zeros (10.50 → 10.5), so a client that re-serialises it keeps the same text.</summary>
    public CanonicalHash AppendAmount(decimal amount)
    {
        Span<char> digits = stackalloc char[64];
        amount.TryFormat(digits, out var written, AmountFormat, CultureInfo.InvariantCulture);
        return Append(digits[..written]);
    }

    public CanonicalHash Append(Guid value)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out _, "N");
        return Append(text);
    }

    public byte[] Finish()
    {
        Flush();
        return _hash.GetHashAndReset();
    }

    public void Dispose()
    {
        _hash.Dispose();
        Pool.Return(_buffer);
        _buffer = [];
    }

    private const string AmountFormat = "0.############################";

    private void Flush()
    {
        _hash.AppendData(_buffer, 0, _used);
        _used = 0;
    }
}
