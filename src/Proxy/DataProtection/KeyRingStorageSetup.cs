using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace EdgeProxy.DataProtection;

/// <summary>
/// Points the key manager at <c>EdgeProxy:DataProtection:KeysPath</c> (what <c>PersistKeysToFileSystem</c> does, but
/// from options, since the path is only known once configuration is read). Without a path, the defaults stay.
/// </summary>
internal sealed class KeyRingStorageSetup(IOptions<KeyRingOptions> options, IHostEnvironment environment, ILoggerFactory loggerFactory)
    : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions keyManagement)
    {
        if (options.Value.KeyLifetime is { } lifetime)
        {
            keyManagement.NewKeyLifetime = lifetime;
        }

        if (options.Value.ResolveKeysPath(environment.ContentRootPath) is not { } directory)
        {
            return;
        }

        keyManagement.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), loggerFactory);
        // A read-only ring: no attempt to write a key the proxy may not store (the validator makes sure one is valid).
        keyManagement.AutoGenerateKeys = options.Value.GenerateKeys;
    }
}
