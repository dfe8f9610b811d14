namespace PartnerMesh.Gateway.FunctionalTests;

public sealed record EchoedRequest(
    string Service, string Method, string Path, string Query, Dictionary<string, string> Headers, long BodyLength)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
