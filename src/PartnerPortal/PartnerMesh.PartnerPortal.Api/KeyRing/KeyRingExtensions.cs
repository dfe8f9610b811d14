using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace PartnerMesh.PartnerPortal.Api.KeyRing;

public static class KeyRingExtensions
{
    /// <summary>
    /// Keeps the key ring in <c>portaldb</c> with every key's secret encrypted (AES-256-GCM) under
    /// <c>PartnerPortal:DataProtectionKey</c>; reading the database alone no longer lets anyone forge or read cookies or
    /// webhook secrets. The host does not start without a valid key.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysEncryptedToPortalDb(this IDataProtectionBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>();
        services.AddSingleton<KeyRingCipher>();
        services.AddSingleton<KeyRingXmlEncryptor>();
        services.AddSingleton<EncryptedKeyRingRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<KeyRingXmlEncryptor, EncryptedKeyRingRepository>((options, encryptor, repository) =>
        {
            options.XmlEncryptor = encryptor;
            options.XmlRepository = repository;
        });
        return builder;
    }

    private sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
    {
        public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
        {
            var problems = new List<string>();
            if (KeyRingCipher.Problem(options.DataProtectionKey, $"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.DataProtectionKey)}") is { } problem)
            {
                problems.Add(problem);
            }

            for (var i = 0; i < options.PreviousDataProtectionKeys.Count; i++)
            {
                if (KeyRingCipher.Problem(options.PreviousDataProtectionKeys[i], $"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.PreviousDataProtectionKeys)}:{i}") is { } previous)
                {
                    problems.Add(previous);
                }
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
