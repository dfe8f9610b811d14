using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>The public keys of each trusted issuer, parsed once; a token is checked only against its own issuer's keys.</summary>
public sealed class TrustedServiceTokenKeys(IOptions<ServiceIdentityOptions> options)
{
    private readonly FrozenDictionary<string, SecurityKey[]> _keys = options.Value.Issuers.ToFrozenDictionary(
        issuer => issuer.Key,
        issuer => issuer.Value.Where(key => !string.IsNullOrWhiteSpace(key)).Select(SecurityKey (key) => ServiceTokenKeys.PublicKey(key)).ToArray(),
        StringComparer.Ordinal);

    public IEnumerable<string> Issuers => _keys.Keys;

    public IEnumerable<SecurityKey> KeysOf(string? issuer) =>
        issuer is not null && _keys.TryGetValue(issuer, out var keys) ? keys : [];
}

internal sealed class ServiceIdentityOptionsValidator : IValidateOptions<ServiceIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceIdentityOptions options)
    {
        var failures = new List<string>();
        if (options.Issuers.Count == 0 || options.Issuers.Values.All(keys => keys.All(string.IsNullOrWhiteSpace)))
        {
            failures.Add("ServiceIdentity:Issuers names no issuer's public key: this service could authenticate nobody.");
        }

        foreach (var (issuer, keys) in options.Issuers)
        {
            if (ServiceTokenIssuers.ScopesGrantedBy(issuer).Count == 0)
            {
                failures.Add($"ServiceIdentity:Issuers:{issuer} is not a known token issuer.");
            }

            foreach (var key in keys.Where(key => !string.IsNullOrWhiteSpace(key)))
            {
                try
                {
                    _ = ServiceTokenKeys.PublicKey(key);
                }
                catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or FormatException)
                {
                    failures.Add($"ServiceIdentity:Issuers:{issuer} holds a key that is not a P-256 public key ({exception.Message}).");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
