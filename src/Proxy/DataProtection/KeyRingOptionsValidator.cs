using Microsoft.Extensions.Options;

namespace EdgeProxy.DataProtection;

internal sealed class KeyRingOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyRingOptions>
{
    /// <summary>What <c>FileSystemXmlRepository</c> reads (it names the keys it writes <c>key-{id}.xml</c>).</summary>
    private const string KeyFilePattern = "*.xml";

    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        if (options.KeysPath is { } keysPath && string.IsNullOrWhiteSpace(keysPath))
        {
            return ValidateOptionsResult.Fail($"{KeyRingOptions.SectionName}:KeysPath must name a directory or be left out");
        }

        var directory = options.ResolveKeysPath(environment.ContentRootPath);
        if (options.GenerateKeys)
        {
            return ValidateOptionsResult.Success;
        }

        if (directory is null)
        {
            return ValidateOptionsResult.Fail($"{KeyRingOptions.SectionName}:GenerateKeys false needs {KeyRingOptions.SectionName}:KeysPath (a directory that holds the keys)");
        }

        // Without a key and without permission to make one, every protected value would fail at the first request.
        return Directory.Exists(directory) && Directory.EnumerateFiles(directory, KeyFilePattern).Any()
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{KeyRingOptions.SectionName}:KeysPath '{directory}' holds no key ({KeyFilePattern}) and {KeyRingOptions.SectionName}:GenerateKeys is false");
    }
}
