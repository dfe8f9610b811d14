using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// A JSON request body, read as it streams, that fails with 400 at the first string holding the NUL character. JSON can
/// only carry it escaped (<c>\u0000</c>; a raw zero byte is invalid JSON and the parser refuses it), and PostgreSQL
/// cannot store it: refused here, before any endpoint writes anything, rather than failing a write (or a whole batch of
/// other callers' writes) later. An escaped backslash followed by <c>u0000</c> is text, not NUL, and passes. The scan
/// follows strings and remembers the last property name, so the 400 names the field as endpoint validation would.
/// </summary>
internal sealed class NulEscapeGuardStream(Stream inner, HttpContext context) : InspectedRequestStream(inner)
{
    /// <summary>Where the refusal waits for the problem writer: minimal APIs catch the exception while binding and answer
    /// a bare 400, which status code pages turn into problem details (see <c>AddBasicServiceDefaults</c>).</summary>
    public static readonly object RefusalKey = new();

    private const int MaxNameBytes = 64;

    private readonly byte[] _name = new byte[MaxNameBytes];
    private bool _inString;
    private bool _escaped;
    private int _zeros = -1; // after "\u": how many '0' digits so far; -1 outside an escape
    private int _nameLength;
    private bool _stringEnded;
    private string? _property;

    protected override void Inspect(ReadOnlySpan<byte> bytes)
    {
        foreach (var current in bytes)
        {
            if (!_inString)
            {
                if (current == (byte)'"')
                {
                    (_inString, _nameLength, _stringEnded) = (true, 0, false);
                }
                else if (_stringEnded && current is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    // A string followed by ':' was a property name: the field any NUL after it belongs to.
                    if (current == (byte)':')
                    {
                        _property = System.Text.Encoding.UTF8.GetString(_name, 0, _nameLength);
                    }

                    _stringEnded = false;
                }

                continue;
            }

            if (_zeros >= 0)
            {
                _zeros = current == (byte)'0' ? _zeros + 1 : -1;
                if (_zeros == 4)
                {
                    Refuse();
                }
            }
            else if (_escaped)
            {
                _escaped = false;
                _zeros = current == (byte)'u' ? 0 : -1;
            }
            else if (current == (byte)'\\')
            {
                _escaped = true;
            }
            else if (current == (byte)'"')
            {
                (_inString, _stringEnded) = (false, true);
                continue;
            }

            if (_nameLength < MaxNameBytes)
            {
                _name[_nameLength++] = current;
            }
        }
    }

    private void Refuse()
    {
        context.Items[RefusalKey] = _property ?? "";
        throw new BadHttpRequestException(WebApiOptions.NulCharacterDetail, StatusCodes.Status400BadRequest);
    }
}
