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
        if (options.Value.ResolveKeysPath(environment.ContentRootPath) is not { } directory)
        {
            return;
        }

        keyManagement.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), loggerFactory);
        // A read-only ring: past the newest key's expiry data protection keeps using it instead of failing to write one.
        keyManagement.AutoGenerateKeys = options.Value.GenerateKeys;
    }
}
