using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace EdgeProxy.DataProtection;

internal sealed class KeyRingOptionsValidator(IHostEnvironment environment, TimeProvider time) : IValidateOptions<KeyRingOptions>
{
    /// <summary>What <c>FileSystemXmlRepository</c> reads (it names the keys it writes <c>key-{id}.xml</c>).</summary>
    private const string KeyFilePattern = "*.xml";

    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var errors = new List<string>();
        if (options.KeysPath is { } keysPath && string.IsNullOrWhiteSpace(keysPath))
        {
            errors.Add($"{KeyRingOptions.SectionName}:KeysPath must name a directory or be left out");
        }

        if (options.KeyLifetime is { } lifetime && lifetime < KeyRingOptions.MinimumKeyLifetime)
        {
            errors.Add($"{KeyRingOptions.SectionName}:KeyLifetime {lifetime} must be at least {KeyRingOptions.MinimumKeyLifetime.TotalDays} days");
        }

        if ((options.GenerateKeys ? NotWritableError(options) : ReadOnlyRingError(options)) is { } ringError)
        {
            errors.Add(ringError);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// A read-only ring needs a key that has not expired: data protection will not protect with an expired key and
    /// may not write a new one, so every new affinity value would fail from the first request.
    /// </summary>
    private string? ReadOnlyRingError(KeyRingOptions options)
    {
        if (options.ResolveKeysPath(environment.ContentRootPath) is not { } directory)
        {
            return $"{KeyRingOptions.SectionName}:GenerateKeys false needs {KeyRingOptions.SectionName}:KeysPath (a directory that holds the keys)";
        }

        var expirations = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, KeyFilePattern).Select(ReadExpiration).OfType<DateTimeOffset>().ToList()
            : [];
        if (expirations.Count == 0)
        {
            return $"{KeyRingOptions.SectionName}:KeysPath '{directory}' holds no key ({KeyFilePattern}) and {KeyRingOptions.SectionName}:GenerateKeys is false";
        }

        var newest = expirations.Max();
        return newest > time.GetUtcNow()
            ? null
            : $"{KeyRingOptions.SectionName}:KeysPath '{directory}': every key has expired (the newest on {newest.ToString("u", CultureInfo.InvariantCulture)}) and {KeyRingOptions.SectionName}:GenerateKeys is false: add a newer key";
    }

    /// <summary>
    /// A ring the proxy must write to in a directory it cannot write (a mounted Secret without <c>GenerateKeys: false</c>):
    /// data protection would fail at the first affinity value instead. Probed with a file deleted as it is closed.
    /// </summary>
    private string? NotWritableError(KeyRingOptions options)
    {
        if (options.ResolveKeysPath(environment.ContentRootPath) is not { } directory || !Directory.Exists(directory))
        {
            return null;
        }

        try
        {
            using var probe = File.Create(Path.Combine(directory, $".write-test-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{KeyRingOptions.SectionName}:KeysPath '{directory}' is not writable ({ex.Message}) and {KeyRingOptions.SectionName}:GenerateKeys is true: make it writable, or put a key in it and set GenerateKeys to false";
        }
    }

    /// <summary>A key file's <c>expirationDate</c>, or null for a file that is not a key (e.g. a revocation).</summary>
    private static DateTimeOffset? ReadExpiration(string path)
    {
        try
        {
            var key = XDocument.Load(path).Root;
            return key?.Name.LocalName == "key" && DateTimeOffset.TryParse(key.Element("expirationDate")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration)
                ? expiration
                : null;
        }
        catch (Exception ex) when (ex is XmlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
