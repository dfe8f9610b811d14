namespace PartnerMesh.ServiceDefaults.WebApi;

/// <summary>
/// Endpoint metadata: the endpoint takes any query text and cleans it itself, so a query string holding a NUL reaches
/// it instead of being refused (a shopper's click must not be lost to a stray <c>%00</c> in a UTM value).
/// </summary>
public sealed class CleansQueryText
{
    public static readonly CleansQueryText Instance = new();

    private CleansQueryText()
    {
    }
}
