using Microsoft.AspNetCore.Http;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// A JSON request body, read as it streams, that fails with 400 at the first string holding a control character other
/// than tab, line feed and carriage return: NUL (<c>\u0000</c>), which PostgreSQL cannot store, the other C0 characters,
/// DEL and the C1 range (U+0080–U+009F). None belongs in an id, a code, a name or a title (a bell or a C1 "next line" in an
/// agreement title reaches the partner's portal as it was sent), and free text keeps its line breaks and tabs. One check for
/// every member of every body, before any endpoint writes anything, rather than a rule per field. JSON carries C0 only
/// escaped (<c>\u0007</c>; a raw one is invalid JSON and the parser refuses it); DEL and C1 may also come raw (UTF-8
/// <c>7F</c>, <c>C2 80</c>–<c>C2 9F</c>). An escaped backslash followed by <c>u0000</c> is text and passes. The scan
/// follows strings, objects and arrays (each object's last property name, each array's index), so the 400 names the
/// field by its JSON path (<c>lines[1].productId</c>) as every other validation problem does.
/// </summary>
internal sealed class ControlCharacterGuardStream(Stream inner, HttpContext context) : InspectedRequestStream(inner)
{
    /// <summary>Where the refusal waits for the problem writer: minimal APIs catch the exception while binding and answer
    /// a bare 400, which status code pages turn into problem details (see <c>AddBasicServiceDefaults</c>).</summary>
    public static readonly object RefusalKey = new();

    private const int MaxNameBytes = 64;

    // Deeper than this the path names the outer levels only (System.Text.Json refuses bodies past depth 64 anyway).
    private const int MaxDepth = 64;

    private readonly byte[] _name = new byte[MaxNameBytes];
    private readonly Level[] _levels = new Level[MaxDepth];
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private int _hexDigits = -1; // after "\u": how many hex digits so far; -1 outside an escape
    private int _code;
    private bool _afterC2; // the last byte was 0xC2, the lead byte of U+0080–U+00BF in UTF-8
    private int _nameLength;
    private bool _stringEnded;

    protected override void Inspect(ReadOnlySpan<byte> bytes)
    {
        foreach (var current in bytes)
        {
            if (!_inString)
            {
                Structure(current);
                continue;
            }

            if (current == 0x7F || (_afterC2 && current is >= 0x80 and <= 0x9F))
            {
                Refuse();
            }

            _afterC2 = current == 0xC2;
            if (_hexDigits >= 0)
            {
                var digit = HexValue(current);
                (_hexDigits, _code) = digit < 0 ? (-1, 0) : (_hexDigits + 1, (_code * 16) + digit);
                if (_hexDigits == 4)
                {
                    if (IsRefused(_code))
                    {
                        Refuse();
                    }

                    _hexDigits = -1;
                }
            }
            else if (_escaped)
            {
                _escaped = false;
                (_hexDigits, _code) = current == (byte)'u' ? (0, 0) : (-1, 0);
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

    /// <summary>A control character other than tab, line feed and carriage return (Unicode category Cc).</summary>
    private static bool IsRefused(int code) => code is (< 0x20 and not ('\t' or '\n' or '\r')) or (>= 0x7F and <= 0x9F);

    private static int HexValue(byte current) => current switch
    {
        >= (byte)'0' and <= (byte)'9' => current - '0',
        >= (byte)'a' and <= (byte)'f' => current - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => current - 'A' + 10,
        _ => -1,
    };

    /// <summary>A byte outside strings: where the scan is in the document's objects and arrays.</summary>
    private void Structure(byte current)
    {
        var level = _depth is > 0 and <= MaxDepth ? _levels[_depth - 1] : null;
        switch (current)
        {
            case (byte)'"':
                (_inString, _nameLength) = (true, 0);
                break;
            case (byte)':' when _stringEnded && level is { IsArray: false }:
                // A string followed by ':' was a property name: the field any NUL after it belongs to.
                level.SetName(_name.AsSpan(0, _nameLength));
                break;
            case (byte)'{' or (byte)'[':
                if (++_depth <= MaxDepth)
                {
                    (_levels[_depth - 1] ??= new Level()).Start(isArray: current == (byte)'[');
                }

                break;
            case (byte)'}' or (byte)']':
                _depth = Math.Max(0, _depth - 1);
                break;
            case (byte)',' when level is not null:
                level.Next();
                break;
        }

        if (current is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            _stringEnded = false;
        }
    }

    /// <summary>The JSON path of the string being read: <c>lines[1].productId</c> (empty for a bare string body).</summary>
    private string Path()
    {
        var path = new System.Text.StringBuilder();
        for (var i = 0; i < Math.Min(_depth, MaxDepth); i++)
        {
            var level = _levels[i];
            if (level.IsArray)
            {
                path.Append('[').Append(level.Index).Append(']');
            }
            else if (level.Name is { Length: > 0 } name)
            {
                path.Append(path.Length > 0 ? "." : "").Append(name);
            }
        }

        return path.ToString();
    }

    private void Refuse()
    {
        context.Items[RefusalKey] = Path();
        throw new BadHttpRequestException(WebApiOptions.NulCharacterDetail, StatusCodes.Status400BadRequest);
    }

    /// <summary>One open object (its last property name) or array (the index of the element being read).</summary>
    private sealed class Level
    {
        private readonly byte[] _name = new byte[MaxNameBytes];
        private int _nameLength;

        public bool IsArray { get; private set; }

        public int Index { get; private set; }

        public string Name => System.Text.Encoding.UTF8.GetString(_name, 0, _nameLength);

        public void Start(bool isArray) => (IsArray, Index, _nameLength) = (isArray, 0, 0);

        public void SetName(ReadOnlySpan<byte> name)
        {
            name.CopyTo(_name);
            _nameLength = name.Length;
        }

        public void Next() => (Index, _nameLength) = (Index + 1, 0);
    }
}
