using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// A JSON request body, read as it streams, that fails with 400 at the first string holding the NUL character. JSON can
/// only carry it escaped (<c>\u0000</c>; a raw zero byte is invalid JSON and the parser refuses it), and PostgreSQL
/// cannot store it: refused here, before any endpoint writes anything, rather than failing a write (or a whole batch of
/// other callers' writes) later. An escaped backslash followed by <c>u0000</c> is text, not NUL, and passes.
/// </summary>
internal sealed class NulEscapeGuardStream(Stream inner, HttpContext context) : Stream
{
    /// <summary>Where the refusal's detail waits for the problem writer: minimal APIs catch the exception while binding
    /// and answer a bare 400, which status code pages turn into problem details (see <c>AddBasicServiceDefaults</c>).</summary>
    public static readonly object DetailKey = new();

    // 0: plain; 1: after an escaping backslash; 2–5: after "\u" and that many - 2 zeros.
    private int _state;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Scan(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Scan(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Refuse()
    {
        context.Items[DetailKey] = WebApiOptions.NulCharacterDetail;
        throw new BadHttpRequestException(WebApiOptions.NulCharacterDetail, StatusCodes.Status400BadRequest);
    }

    private void Scan(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            if (_state == 0)
            {
                // Most bodies hold no backslash at all: one vectorised search skips them.
                var backslash = bytes[index..].IndexOf((byte)'\\');
                if (backslash < 0)
                {
                    return;
                }

                index += backslash + 1;
                _state = 1;
                continue;
            }

            var current = bytes[index++];
            _state = (_state, current) switch
            {
                (1, (byte)'u') => 2,
                (>= 2 and <= 4, (byte)'0') => _state + 1,
                (5, (byte)'0') => Refuse(),
                _ => 0, // another escape (an escaped backslash included), or a character other than NUL
            };
        }
    }
}
