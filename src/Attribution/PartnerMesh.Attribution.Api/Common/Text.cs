using System.Text;

namespace PartnerMesh.Attribution.Api.Common;

public static class Text
{
    /// <summary>
    /// Makes untrusted request text storable: drops control characters (PostgreSQL rejects NUL in text), trims, and
    /// truncates to <paramref name="maxLength"/>. Empty input becomes <c>null</c>.
    /// </summary>
    public static string? Clean(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var character in value.AsSpan().Trim())
        {
            if (builder.Length == maxLength)
            {
                break;
            }

            if (!char.IsControl(character))
            {
                builder.Append(character);
            }
        }

        // A cut must not leave half of a surrogate pair behind.
        if (builder.Length > 0 && char.IsHighSurrogate(builder[^1]))
        {
            builder.Length--;
        }

        return builder.Length == 0 ? null : builder.ToString();
    }
}
