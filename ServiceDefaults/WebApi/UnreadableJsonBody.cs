using System.Text.Json;
using System.Text.RegularExpressions;

namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// A request body of a polymorphic type (a promotion's condition or action, say) without its <c>type</c>: System.Text.Json
/// throws <see cref="NotSupportedException"/> rather than <see cref="JsonException"/>, which minimal APIs do not turn into
/// a 400 as they do for malformed JSON. Recognised only while a request body is read (an unserialisable response is
/// still a server error), and described without the server's type names.
/// </summary>
public static partial class UnreadableJsonBody
{
    public static string? Detail(Exception exception)
    {
        if (exception is not NotSupportedException { Source: "System.Text.Json" }
            || exception.StackTrace?.Contains("ReadFromJsonAsync", StringComparison.Ordinal) != true)
        {
            return null;
        }

        var path = Path(exception) is { } at ? $" at {at}" : "";
        return $"The request body is not valid for this operation{path}: an object there needs its 'type' property.";
    }

    /// <summary>The JSON path the reader stopped at (<c>$.action</c>), when the exception names one.</summary>
    public static string? Path(Exception exception) =>
        exception is NotSupportedException && JsonPath().Match(exception.Message) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"Path: (\$[^\s|]*)")]
    private static partial Regex JsonPath();
}
