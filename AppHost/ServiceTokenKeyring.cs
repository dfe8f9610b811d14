using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.AppHost;

/// <summary>
/// The service-token keys (docs/security.md): each issuer (gateway, partner portal, promotions) has a generated secret
/// signing key, <c>Parameters:&lt;issuer&gt;-token-key</c>, persisted in the AppHost's user secrets. Only that issuer
/// receives it; every service it may call receives its public key. For a rotation, <c>…-token-key-previous</c> and
/// <c>…-token-key-next</c>, when set, are trusted too (never used to sign).
/// </summary>
internal sealed class ServiceTokenKeyring
{
    private static readonly string[] RotationSuffixes = ["-previous", "-next"];

    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _signing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IResourceBuilder<ParameterResource>>> _trusted = new(StringComparer.Ordinal);

    public ServiceTokenKeyring(IDistributedApplicationBuilder builder)
    {
        foreach (var issuer in new[] { ServiceTokenIssuers.Gateway, ServiceTokenIssuers.PartnerPortal, ServiceTokenIssuers.Promotions })
        {
            var name = $"{issuer}-token-key";
            var signing = builder.AddSecretKey(name);
            _signing[issuer] = signing;
            _trusted[issuer] = [signing];
            foreach (var suffix in RotationSuffixes)
            {
                if (builder.Configuration[$"Parameters:{name}{suffix}"] is { Length: > 0 })
                {
                    _trusted[issuer].Add(builder.AddParameter(name + suffix, secret: true));
                }
            }
        }
    }

    /// <summary>
    /// The public keys of the issuers <paramref name="service"/> trusts and, if it is an issuer, its own signing key.
    /// Public keys are derived here from the secrets, so a verifier never holds a secret.
    /// </summary>
    public IResourceBuilder<T> Apply<T>(IResourceBuilder<T> resource, string service)
        where T : IResourceWithEnvironment
    {
        if (_signing.TryGetValue(service, out var own))
        {
            resource.WithEnvironment("ServiceTokens__SigningKey", own);
        }

        return resource.WithEnvironment(async context =>
        {
            foreach (var issuer in ServiceTokenIssuers.TrustedBy(service))
            {
                var index = 0;
                foreach (var key in _trusted[issuer])
                {
                    var secret = await key.Resource.GetValueAsync(context.CancellationToken)
                        ?? throw new InvalidOperationException($"Parameter {key.Resource.Name} has no value.");
                    context.EnvironmentVariables[$"ServiceIdentity__Issuers__{issuer}__{index++}"] = ServiceTokenKeys.PublicKeyOf(secret);
                }
            }
        });
    }
}
